package engine

import (
	"context"
	"strconv"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Status is scenario_status. It is not read-only in effect: it appends a
// tool-call record and saves the run.
func (e *Engine) Status(ctx context.Context, scenarioID string, req scenario.StatusRequest) (*scenario.Status, error) {
	return retryConflicts(ctx, e, func(a *attempt) (*scenario.Status, error) { return e.status(ctx, a, scenarioID, req) })
}

func (e *Engine) status(ctx context.Context, a *attempt, scenarioID string, req scenario.StatusRequest) (*scenario.Status, error) {
	if _, err := e.mustSpec(scenarioID); err != nil {
		return nil, err
	}
	key := req.Key()
	unlock := e.lockRun(key)
	defer unlock()
	st, ver, err := e.loadRun(ctx, key, a)
	if err != nil {
		return nil, runNotFound(key, err)
	}
	out := &scenario.Status{
		RunID: st.RunID, ScenarioID: st.ScenarioID, CurrentStageID: st.CurrentStageID, Status: st.Status,
		IssuedPacketIDs: make([]string, 0, len(st.Packets)),
	}
	for _, p := range st.Packets {
		out.IssuedPacketIDs = append(out.IssuedPacketIDs, p.Envelope.PacketID)
	}
	if n := len(st.Decisions); n > 0 {
		last := st.Decisions[n-1]
		out.LastDecision = &last
		if last.Outcome.Kind == scenario.OutcomeHold {
			out.SafeSummary = last.Outcome.Summary
		}
	}
	mark := st.Mark()
	if err := e.recordCall(st, "scenario.status", &req, out, nil, req.RequestedAt, req.CorrelationID); err != nil {
		st.Rollback(mark)
		return nil, err
	}
	if err := e.saveRun(ctx, st, ver, a); err != nil {
		st.Rollback(mark)
		return nil, err
	}
	return out, nil
}

// Submit is scenario_submit: it attaches an artifact to a run in any status
// and never evaluates gates. The same submission id with the same content
// type and payload returns the existing record; anything else is a Conflict,
// which is also recorded in the tool-call log.
func (e *Engine) Submit(ctx context.Context, scenarioID string, req scenario.SubmitRequest) (*scenario.SubmitResult, error) {
	return retryConflicts(ctx, e, func(a *attempt) (*scenario.SubmitResult, error) { return e.submit(ctx, a, scenarioID, req) })
}

func (e *Engine) submit(ctx context.Context, a *attempt, scenarioID string, req scenario.SubmitRequest) (*scenario.SubmitResult, error) {
	if _, err := e.mustSpec(scenarioID); err != nil {
		return nil, err
	}
	key := req.Key()
	unlock := e.lockRun(key)
	defer unlock()
	st, ver, err := e.loadRun(ctx, key, a)
	if err != nil {
		return nil, runNotFound(key, err)
	}
	mark := st.Mark()
	save := func(res *scenario.SubmitResult, tcErr *scenario.ToolCallError) error {
		var resp any
		if res != nil {
			resp = res
		}
		if err := e.recordCall(st, "scenario.submit", &req, resp, tcErr, req.SubmittedAt, req.CorrelationID); err != nil {
			return err
		}
		return e.saveRun(ctx, st, ver, a)
	}
	for i := range st.Submissions {
		ex := &st.Submissions[i]
		if ex.SubmissionID != req.SubmissionID {
			continue
		}
		if ex.ContentType == req.ContentType && ex.Payload.Equal(&req.Payload) {
			res := &scenario.SubmitResult{Record: *ex}
			if err := save(res, nil); err != nil {
				st.Rollback(mark)
				return nil, err
			}
			return res, nil
		}
		msg := "submission_id conflict: " + req.SubmissionID
		if err := save(nil, &scenario.ToolCallError{Code: "submission_conflict", Message: msg}); err != nil {
			st.Rollback(mark)
			return nil, err
		}
		return nil, errcode.New(errcode.Conflict, "%s", msg)
	}
	h, err := req.Payload.Hash()
	if err != nil {
		return nil, controlErr("%s", err.Error())
	}
	rec := scenario.SubmissionRecord{
		SubmissionID: req.SubmissionID, RunID: req.RunID, Payload: req.Payload, ContentType: req.ContentType,
		ContentHash: h, SubmittedAt: req.SubmittedAt, CorrelationID: req.CorrelationID,
	}
	st.Submissions = append(st.Submissions, rec)
	res := &scenario.SubmitResult{Record: rec}
	if err := save(res, nil); err != nil {
		st.Rollback(mark)
		return nil, err
	}
	return res, nil
}

// recordCall appends a tool-call record: request and response hashes are
// the canonical hashes of the core request and result (or of the error).
func (e *Engine) recordCall(st *scenario.RunState, method string, request, response any, tcErr *scenario.ToolCallError, at evidence.Timestamp, corr *string) error {
	reqHash, err := evidence.HashJSON(request)
	if err != nil {
		return errcode.Wrap(errcode.Internal, "", err)
	}
	var respHash evidence.HashDigest
	if tcErr != nil {
		respHash, err = evidence.HashJSON(tcErr)
	} else {
		respHash, err = evidence.HashJSON(response)
	}
	if err != nil {
		return errcode.Wrap(errcode.Internal, "", err)
	}
	st.ToolCalls = append(st.ToolCalls, scenario.ToolCallRecord{
		CallID: "call-" + strconv.Itoa(len(st.ToolCalls)+1), Method: method,
		RequestHash: reqHash, ResponseHash: respHash, CalledAt: at, CorrelationID: corr, Error: tcErr,
	})
	return nil
}
