package engine

import (
	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// PrecheckResult is what a precheck decides, without touching any run.
type PrecheckResult struct {
	Decision        scenario.Outcome          `json:"decision"`
	GateEvaluations []scenario.GateEvaluation `json:"gate_evaluations"`
}

// Precheck evaluates a stage of spec (stageID, or the first stage) over
// asserted evidence: results keyed by condition id, with missing conditions
// treated as absent values. Trust requirements apply as in a live run;
// inline specs pass inline=true to skip per-provider lane overrides. No
// state is read or written.
func (e *Engine) Precheck(spec *scenario.Spec, stageID string, results map[string]evidence.Result, inline bool) (*PrecheckResult, error) {
	c, err := e.compiledFor(spec)
	if err != nil {
		return nil, err
	}
	idx := 0
	if stageID != "" {
		if idx = spec.StageIndex(stageID); idx < 0 {
			return nil, errcode.New(errcode.InvalidArgument, "unknown stage identifier: %s", stageID)
		}
	}
	recs := make(map[string]*scenario.EvidenceRecord, len(c.stageConds[idx]))
	for _, id := range c.stageConds[idx] {
		res := results[id]
		if err := NormaliseResult(&res); err != nil {
			return nil, err
		}
		rec := &scenario.EvidenceRecord{ConditionID: id, Result: res}
		if res.Error == nil {
			cond := c.conds[id]
			rec.Status = compare.Evaluate(cond.Comparator, res.Value, cond.Expected)
		}
		recs[id] = rec
	}
	evals := e.evalGates(c, idx, "", recs, inline)
	out := &PrecheckResult{GateEvaluations: make([]scenario.GateEvaluation, 0, len(evals))}
	status := map[string]evidence.TriState{}
	var unmet []string
	for _, ge := range evals {
		out.GateEvaluations = append(out.GateEvaluations, ge.Evaluation)
		status[ge.Evaluation.GateID] = ge.Evaluation.Status
		if ge.Evaluation.Status != evidence.True {
			unmet = append(unmet, ge.Evaluation.GateID)
		}
	}
	stage := &spec.Stages[idx]
	if len(unmet) > 0 {
		hint := "await_evidence"
		out.Decision = scenario.Outcome{Kind: scenario.OutcomeHold, Summary: &scenario.SafeSummary{
			Status: "hold", UnmetGates: unmet, RetryHint: &hint, PolicyTags: []string{}}}
		return out, nil
	}
	next, err := resolveNext(spec, idx, func(id string) evidence.TriState { return status[id] })
	if err != nil {
		return nil, err
	}
	if next < 0 {
		out.Decision = scenario.Outcome{Kind: scenario.OutcomeComplete, StageID: stage.StageID}
	} else {
		out.Decision = scenario.Outcome{Kind: scenario.OutcomeAdvance, FromStage: stage.StageID, ToStage: spec.Stages[next].StageID}
	}
	return out, nil
}

// compiledFor returns the compiled form of a defined spec, or compiles an
// inline one.
func (e *Engine) compiledFor(spec *scenario.Spec) (*compiled, error) {
	if c, ok := e.lookup(spec.ScenarioID); ok && c.spec == spec {
		return c, nil
	}
	return Compile(spec)
}
