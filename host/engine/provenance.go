package engine

import (
	"sort"

	"github.com/decision-gate/dgw/host/scenario"
)

// consulted collects the evidence that decision d evaluated: one entry per
// condition of the gate evaluations recorded under d's trigger, sorted by
// condition id.
func consulted(c *compiled, st *scenario.RunState, d scenario.DecisionRecord) []ConsultedEvidence {
	seen := make(map[string]bool)
	var out []ConsultedEvidence
	for i := len(st.GateEvals) - 1; i >= 0; i-- {
		ge := &st.GateEvals[i]
		if ge.TriggerID != d.TriggerID || ge.StageID != d.StageID {
			break
		}
		for j := range ge.Evidence {
			rec := &ge.Evidence[j]
			if seen[rec.ConditionID] {
				continue
			}
			seen[rec.ConditionID] = true
			ce := ConsultedEvidence{ConditionID: rec.ConditionID, Status: rec.Status, Hash: rec.Result.EvidenceHash}
			if cond := c.conds[rec.ConditionID]; cond != nil {
				ce.ProviderID = cond.Query.ProviderID
			}
			if rec.Result.Error != nil {
				ce.ErrorCode = rec.Result.Error.Code
			}
			out = append(out, ce)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ConditionID < out[j].ConditionID })
	return out
}
