package engine

import (
	"context"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Trigger evaluates the run's current stage for a trigger event
// (scenario_trigger) and records the decision.
//
// A trigger whose id already has a decision returns that decision without
// re-evaluating (holds included); a trigger on an inactive run returns the
// last decision. Both still append a tool-call record.
//
// # Errors
//
// NotFound (scenario not defined); FailedPrecondition with the reference's
// engine texts ("run not found: X", "trigger time kind mismatch: …", "gate
// resolution failed: …", "evidence payload exceeds size limit (…)",
// "provider validation failed: …").
func (e *Engine) Trigger(ctx context.Context, scenarioID string, ev scenario.TriggerEvent) (*scenario.NextResult, error) {
	return e.trigger(ctx, scenarioID, ev, "scenario.trigger", &ev)
}

// Next is scenario_next: a trigger of kind agent_request_next whose source
// is the agent.
func (e *Engine) Next(ctx context.Context, scenarioID string, req scenario.NextRequest) (*scenario.NextResult, error) {
	return e.trigger(ctx, scenarioID, req.Trigger(), "scenario.next", &req)
}

// trigger runs triggerOnce, again from a fresh load when its save lost a
// race with another engine (see [MaxConflictRetries]).
func (e *Engine) trigger(ctx context.Context, scenarioID string, ev scenario.TriggerEvent, method string, request any) (*scenario.NextResult, error) {
	return retryConflicts(ctx, e, func(a *attempt) (*scenario.NextResult, error) {
		return e.triggerOnce(ctx, a, scenarioID, ev, method, request)
	})
}

func (e *Engine) triggerOnce(ctx context.Context, a *attempt, scenarioID string, ev scenario.TriggerEvent, method string, request any) (*scenario.NextResult, error) {
	c, err := e.mustSpec(scenarioID)
	if err != nil {
		return nil, err
	}
	key := ev.Key()
	unlock := e.lockRun(key)
	defer unlock()
	st, ver, err := e.loadRun(ctx, key, a)
	if err != nil {
		return nil, runNotFound(key, err)
	}
	if st.ScenarioID != c.spec.ScenarioID {
		return nil, controlErr("scenario mismatch for run: %s", scenarioID)
	}
	mark := st.Mark()
	fail := func(err error) (*scenario.NextResult, error) {
		st.Rollback(mark)
		return nil, err
	}
	if missing := e.missingProviders(c); len(missing) > 0 {
		caps := make([]string, 0)
		for _, cond := range c.spec.Conditions {
			for _, p := range missing {
				if cond.Query.ProviderID == p {
					caps = append(caps, p+"."+cond.Query.CheckID)
				}
			}
		}
		sort.Strings(caps)
		tcErr := &scenario.ToolCallError{
			Code:    "provider_missing",
			Message: "provider validation failed: missing providers: " + strings.Join(missing, ", "),
			Details: &scenario.ToolCallErrorDetails{Kind: "provider_missing", MissingProviders: missing, RequiredCapabilities: dedupe(caps)},
		}
		if err := e.recordCall(st, method, request, nil, tcErr, ev.Time, ev.CorrelationID); err != nil {
			return fail(err)
		}
		if err := e.saveRun(ctx, st, ver, a); err != nil {
			return fail(err)
		}
		return nil, controlErr("%s", tcErr.Message)
	}

	res, err := e.decide(ctx, c, st, ev)
	if err != nil {
		return fail(err)
	}
	if err := e.recordCall(st, method, request, res, nil, ev.Time, ev.CorrelationID); err != nil {
		return fail(err)
	}
	if err := e.saveRun(ctx, st, ver, a); err != nil {
		return fail(err)
	}
	if e.opts.OnDecision != nil && len(st.Decisions) > mark.Decisions() {
		d := &st.Decisions[len(st.Decisions)-1]
		e.opts.OnDecision(ctx, key, d, st.ProvenanceFor(d.DecisionID))
	}
	return res, nil
}

// decide appends the trigger, evaluation and decision for ev (or returns a
// replay) and returns the result.
func (e *Engine) decide(ctx context.Context, c *compiled, st *scenario.RunState, ev scenario.TriggerEvent) (*scenario.NextResult, error) {
	if st.Status != scenario.RunActive {
		if len(st.Decisions) == 0 {
			return nil, controlErr("run %s is %s and has no decision", st.RunID, st.Status)
		}
		return replay(st, &st.Decisions[len(st.Decisions)-1]), nil
	}
	for i := range st.Decisions {
		if st.Decisions[i].TriggerID == ev.TriggerID {
			return replay(st, &st.Decisions[i]), nil
		}
	}
	if uint64(len(st.Triggers)) == math.MaxUint64 || uint64(len(st.Decisions)) == math.MaxUint64 {
		return nil, controlErr("run state sequence overflow")
	}
	st.Triggers = append(st.Triggers, scenario.TriggerRecord{Seq: uint64(len(st.Triggers)) + 1, Event: ev})
	stageIdx := c.spec.StageIndex(st.CurrentStageID)
	if stageIdx < 0 {
		return nil, controlErr("unknown stage identifier: %s", st.CurrentStageID)
	}
	stage := &c.spec.Stages[stageIdx]
	seq := uint64(len(st.Decisions)) + 1
	d := scenario.DecisionRecord{
		DecisionID: "decision-" + strconv.FormatUint(seq, 10), Seq: seq, TriggerID: ev.TriggerID,
		StageID: stage.StageID, DecidedAt: ev.Time, CorrelationID: ev.CorrelationID,
	}

	timedOut, err := timeoutReached(stage, st.StageEnteredAt, ev)
	if err != nil {
		return nil, err
	}
	var outcomes func(gateID string) evidence.TriState
	allTrue := false
	var unmet []string
	if timedOut {
		switch stage.OnTimeout {
		case scenario.TimeoutFail:
			d.Outcome = scenario.Outcome{Kind: scenario.OutcomeFail, Reason: "timeout"}
			st.Status = scenario.RunFailed
			return e.finish(c, st, d, nil), nil
		case scenario.TimeoutAdvanceWithFlag:
			outcomes = func(string) evidence.TriState { return evidence.True }
		default:
			outcomes = func(string) evidence.TriState { return evidence.Unknown }
		}
		allTrue = true
	} else {
		ec := evidence.Context{
			TenantID: st.TenantID, NamespaceID: st.NamespaceID, RunID: st.RunID,
			ScenarioID: c.spec.ScenarioID, StageID: stage.StageID, TriggerID: ev.TriggerID,
			TriggerTime: ev.Time, CorrelationID: ev.CorrelationID,
		}
		recs, err := e.queryConditions(ctx, c, c.stageConds[stageIdx], ec)
		if err != nil {
			var se *sizeError
			if errors.As(err, &se) {
				return nil, controlErr("%s", se.Error())
			}
			return nil, err
		}
		evals := e.evalGates(c, stageIdx, ev.TriggerID, recs, false)
		st.GateEvals = append(st.GateEvals, evals...)
		status := make(map[string]evidence.TriState, len(evals))
		allTrue = true
		for _, ge := range evals {
			status[ge.Evaluation.GateID] = ge.Evaluation.Status
			if ge.Evaluation.Status != evidence.True {
				allTrue = false
				unmet = append(unmet, ge.Evaluation.GateID)
			}
		}
		outcomes = func(id string) evidence.TriState { return status[id] } // absent → Unknown
	}
	if !allTrue {
		hint := "await_evidence"
		d.Outcome = scenario.Outcome{Kind: scenario.OutcomeHold, Summary: &scenario.SafeSummary{
			Status: "hold", UnmetGates: unmet, RetryHint: &hint, PolicyTags: []string{},
		}}
		return e.finish(c, st, d, nil), nil
	}
	next, err := resolveNext(c.spec, stageIdx, outcomes)
	if err != nil {
		return nil, err
	}
	if next < 0 {
		d.Outcome = scenario.Outcome{Kind: scenario.OutcomeComplete, StageID: stage.StageID}
		st.Status = scenario.RunCompleted
		return e.finish(c, st, d, nil), nil
	}
	to := &c.spec.Stages[next]
	d.Outcome = scenario.Outcome{Kind: scenario.OutcomeAdvance, FromStage: stage.StageID, ToStage: to.StageID, Timeout: timedOut}
	pkts, err := e.issuePackets(ctx, c, st, to, &d)
	if err != nil {
		if errcode.Of(err) != errcode.FailedPrecondition {
			return nil, err
		}
		d.Outcome = scenario.Outcome{Kind: scenario.OutcomeFail, Reason: errcode.Message(err)}
		st.Status = scenario.RunFailed
		return e.finish(c, st, d, nil), nil
	}
	st.CurrentStageID, st.StageEnteredAt = to.StageID, ev.Time
	return e.finish(c, st, d, pkts), nil
}

func (e *Engine) finish(c *compiled, st *scenario.RunState, d scenario.DecisionRecord, pkts []scenario.PacketRecord) *scenario.NextResult {
	st.Decisions = append(st.Decisions, d)
	if e.opts.Provenance != nil {
		st.Provenance = append(st.Provenance, e.opts.Provenance(ProvenanceInput{
			Key: st.Key(), Decision: &st.Decisions[len(st.Decisions)-1], Evidence: consulted(c, st, d),
		}))
	}
	st.Packets = append(st.Packets, pkts...)
	return &scenario.NextResult{Decision: d, Packets: pkts, Status: st.Status}
}

// replay returns a recorded decision with the packets issued under it.
func replay(st *scenario.RunState, d *scenario.DecisionRecord) *scenario.NextResult {
	var pkts []scenario.PacketRecord
	for _, p := range st.Packets {
		if p.DecisionID == d.DecisionID {
			pkts = append(pkts, p)
		}
	}
	return &scenario.NextResult{Decision: *d, Packets: pkts, Status: st.Status}
}

// timeoutReached reports whether a tick trigger is at or past the stage
// deadline.
func timeoutReached(stage *scenario.Stage, entered evidence.Timestamp, ev scenario.TriggerEvent) (bool, error) {
	if ev.Kind != scenario.TriggerTick || stage.Timeout == nil {
		return false, nil
	}
	if entered.Kind != ev.Time.Kind {
		return false, controlErr("trigger time kind mismatch: stage entered at %s, trigger at %s", entered.KindName(), ev.Time.KindName())
	}
	ms := stage.Timeout.TimeoutMS
	if entered.Kind == evidence.Logical {
		if entered.Counter > math.MaxUint64-ms {
			return false, controlErr("timeout calculation error: logical deadline overflows")
		}
		return ev.Time.Counter >= entered.Counter+ms, nil
	}
	if ms > math.MaxInt64 || entered.Millis > math.MaxInt64-int64(ms) {
		return false, controlErr("timeout calculation error: unix_millis deadline overflows")
	}
	return ev.Time.Millis >= entered.Millis+int64(ms), nil
}

// resolveNext returns the index of the next stage, or -1 when there is none.
func resolveNext(spec *scenario.Spec, idx int, outcome func(gateID string) evidence.TriState) (int, error) {
	st := &spec.Stages[idx]
	target := func(id string) (int, error) {
		if i := spec.StageIndex(id); i >= 0 {
			return i, nil
		}
		return 0, controlErr("unknown stage identifier: %s", id)
	}
	switch st.AdvanceTo.Kind {
	case scenario.AdvanceLinear:
		if idx+1 < len(spec.Stages) {
			return idx + 1, nil
		}
		return -1, nil
	case scenario.AdvanceFixed:
		return target(st.AdvanceTo.StageID)
	case scenario.AdvanceBranch:
		for _, br := range st.AdvanceTo.Branches {
			if outcome(br.GateID).Outcome() == string(br.Outcome) {
				return target(br.NextStageID)
			}
		}
		if st.AdvanceTo.Default != nil {
			return target(*st.AdvanceTo.Default)
		}
		return 0, controlErr("gate resolution failed: no branch matched")
	}
	return -1, nil
}

func (e *Engine) missingProviders(c *compiled) []string {
	var out []string
	for _, p := range c.providers {
		if !e.source.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

func storeErr(err error) error {
	if err == nil {
		return nil
	}
	code := errcode.Of(err)
	if code == errcode.Internal {
		code = errcode.Unavailable
	}
	out := errcode.Wrap(code, "", errors.New("run state store save error: "+err.Error()))
	if code == errcode.Conflict {
		return &saveConflictError{out} // retried by retryConflicts
	}
	return out
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
