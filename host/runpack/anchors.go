package runpack

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/scenario"
)

// checkAnchors re-checks every error-free evidence record whose provider has
// an anchor requirement.
func checkAnchors(ctx context.Context, pol *AnchorPolicy, src Source) []string {
	reqs := map[string]AnchorRequirement{}
	for _, p := range pol.Providers {
		reqs[p.ProviderID] = p.Requirement
	}
	specData, err := src.Get(ctx, "artifacts/scenario_spec.json")
	if err != nil {
		return []string{"anchor check: artifact read failed for artifacts/scenario_spec.json: " + err.Error()}
	}
	var spec scenario.Spec
	if err := json.Unmarshal(specData, &spec); err != nil {
		return []string{"anchor check: parse failed for artifacts/scenario_spec.json: " + err.Error()}
	}
	evalData, err := src.Get(ctx, "artifacts/gate_evals.json")
	if err != nil {
		return []string{"anchor check: artifact read failed for artifacts/gate_evals.json: " + err.Error()}
	}
	var evals []scenario.GateEvalRecord
	if err := json.Unmarshal(evalData, &evals); err != nil {
		return []string{"anchor check: parse failed for artifacts/gate_evals.json: " + err.Error()}
	}
	var errs []string
	for _, ge := range evals {
		for _, rec := range ge.Evidence {
			if rec.Result.Error != nil {
				continue
			}
			cond := spec.Condition(rec.ConditionID)
			if cond == nil {
				errs = append(errs, fmt.Sprintf("condition %s missing from scenario spec (trigger %s, stage %s)", rec.ConditionID, ge.TriggerID, ge.StageID))
				continue
			}
			req, ok := reqs[cond.Query.ProviderID]
			if !ok {
				continue
			}
			if err := engine.CheckAnchor(rec.Result.EvidenceAnchor, req); err != nil {
				errs = append(errs, fmt.Sprintf("anchor invalid for condition %s (trigger %s, stage %s): %v", rec.ConditionID, ge.TriggerID, ge.StageID, err))
			}
		}
	}
	return errs
}
