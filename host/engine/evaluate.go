package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// maxProviderErrorText bounds provider error text copied into results.
const maxProviderErrorText = 1024

// sizeError aborts a whole call: evidence over MaxEvidenceBytes.
type sizeError struct{ got int }

func (s *sizeError) Error() string {
	return fmt.Sprintf("evidence payload exceeds size limit (%d > %d)", s.got, MaxEvidenceBytes)
}

// queryConditions queries each condition once, in order, and returns its
// normalised evidence record keyed by condition id.
func (e *Engine) queryConditions(ctx context.Context, c *compiled, ids []string, ec evidence.Context) (map[string]*scenario.EvidenceRecord, error) {
	out := make(map[string]*scenario.EvidenceRecord, len(ids))
	for _, id := range ids {
		cond := c.conds[id]
		res, err := e.source.Query(ctx, cond.Query, ec)
		if err != nil {
			res = ProviderErrorResult(err)
		}
		rec, err := e.normalise(cond, res)
		if err != nil {
			return nil, err
		}
		out[id] = rec
	}
	return out, nil
}

// ProviderErrorResult is the result recorded when a provider call fails:
// code provider_error, or the code a [evidence.CodedError] names.
func ProviderErrorResult(err error) evidence.Result {
	msg := err.Error()
	if len(msg) > maxProviderErrorText {
		msg = msg[:maxProviderErrorText]
	}
	return evidence.ErrorResult(evidence.ErrorCode(err), "evidence provider error: "+msg)
}

// normalise applies the anchor policy, clears value fields on error,
// recomputes the evidence hash and applies the comparator.
func (e *Engine) normalise(cond *scenario.Condition, res evidence.Result) (*scenario.EvidenceRecord, error) {
	if req, ok := e.opts.Anchors[cond.Query.ProviderID]; ok && res.Error == nil {
		if err := CheckAnchor(res.EvidenceAnchor, req); err != nil {
			res = evidence.ErrorResult("anchor_invalid", err.Error())
		}
	}
	if err := NormaliseResult(&res); err != nil {
		return nil, err
	}
	rec := &scenario.EvidenceRecord{ConditionID: cond.ConditionID, Result: res}
	if res.Error == nil {
		rec.Status = compare.Evaluate(cond.Comparator, res.Value, cond.Expected)
	}
	return rec, nil
}

// NormaliseResult clears value, hash and content type of an errored result
// and overwrites the evidence hash of a valued one with the recomputed hash.
// It fails when the value exceeds [MaxEvidenceBytes].
func NormaliseResult(res *evidence.Result) error {
	if res.Error != nil {
		res.Value, res.EvidenceHash, res.ContentType = nil, nil, nil
		return nil
	}
	if res.Value == nil {
		return nil
	}
	h, n, err := res.Value.Hash()
	if err != nil {
		return controlErr("%s", err.Error())
	}
	if n > MaxEvidenceBytes {
		return &sizeError{got: n}
	}
	res.EvidenceHash = &h
	return nil
}

// CheckAnchor validates an anchor against a requirement: it must exist, have
// the required type, hold a JSON object, and every required field must be a
// string or a number.
func CheckAnchor(a *evidence.Anchor, req AnchorRequirement) error {
	if a == nil {
		return fmt.Errorf("missing evidence anchor (expected %s)", req.AnchorType)
	}
	if a.AnchorType != req.AnchorType {
		return fmt.Errorf("anchor type mismatch: expected %s, got %s", req.AnchorType, a.AnchorType)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a.AnchorValue), &obj); err != nil || obj == nil {
		return fmt.Errorf("anchor_value must be a JSON object")
	}
	for _, f := range req.RequiredFields {
		raw, ok := obj[f]
		if !ok {
			return fmt.Errorf("anchor field %s is missing", f)
		}
		switch firstByte(raw) {
		case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		default:
			return fmt.Errorf("anchor field %s must be a string or number", f)
		}
	}
	return nil
}

func firstByte(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c
		}
	}
	return 0
}

// evalGates evaluates each gate of a stage over the queried records and
// returns the gate-eval records in gate order.
func (e *Engine) evalGates(c *compiled, stageIdx int, triggerID string, recs map[string]*scenario.EvidenceRecord, skipProviderBase bool) []scenario.GateEvalRecord {
	stage := &c.spec.Stages[stageIdx]
	out := make([]scenario.GateEvalRecord, 0, len(stage.Gates))
	for j := range stage.Gates {
		g := &stage.Gates[j]
		ids := c.gateConds[stageIdx][j]
		evs := make([]scenario.EvidenceRecord, 0, len(ids))
		for _, id := range ids {
			r, ok := recs[id]
			if !ok {
				continue
			}
			rec := *r
			e.applyTrust(&rec, c.conds[id], g, skipProviderBase)
			evs = append(evs, rec)
		}
		status := func(id string) evidence.TriState {
			for i := range evs {
				if evs[i].ConditionID == id {
					return evs[i].Status
				}
			}
			return evidence.Unknown
		}
		s, trace := g.Requirement.Eval(status, nil)
		out = append(out, scenario.GateEvalRecord{
			TriggerID: triggerID, StageID: stage.StageID,
			Evaluation: scenario.GateEvaluation{GateID: g.GateID, Status: s, Trace: trace},
			Evidence:   evs,
		})
	}
	return out
}

// applyTrust makes a record Unknown when its lane does not meet the
// effective requirement of its condition and gate.
func (e *Engine) applyTrust(rec *scenario.EvidenceRecord, cond *scenario.Condition, g *scenario.Gate, skipProviderBase bool) {
	def := e.opts.Trust.MinLane
	base := def
	if e.opts.Trust.ProviderLane != nil && !skipProviderBase {
		base = e.opts.Trust.ProviderLane(cond.Query.ProviderID)
	}
	condReq := base
	if cond.Trust != nil {
		condReq = evidence.Stricter(base, cond.Trust.MinLane)
	}
	gateReq := def
	if g.Trust != nil {
		gateReq = evidence.Stricter(def, g.Trust.MinLane)
	}
	req := evidence.Stricter(condReq, gateReq)
	if rec.Result.Lane.Satisfies(req) {
		return
	}
	rec.Status = evidence.Unknown
	if rec.Result.Error == nil {
		rec.Result.Error = &evidence.ResultError{
			Code:    "trust_lane",
			Message: fmt.Sprintf("evidence lane %s does not satisfy %s", rec.Result.Lane.DebugName(), req.DebugName()),
		}
	}
}
