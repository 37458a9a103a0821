package scenario

import (
	"encoding/json"
	"fmt"
)

// AdvanceKind says how a stage picks its successor.
type AdvanceKind string

// The advance policies.
const (
	AdvanceLinear   AdvanceKind = "linear"
	AdvanceFixed    AdvanceKind = "fixed"
	AdvanceBranch   AdvanceKind = "branch"
	AdvanceTerminal AdvanceKind = "terminal"
)

// AdvanceTo is a tagged union on "kind":
// {"kind":"linear"} | {"kind":"fixed","stage_id"} |
// {"kind":"branch","branches":[BranchRule],"default":stage_id|null} | {"kind":"terminal"}.
type AdvanceTo struct {
	Kind     AdvanceKind
	StageID  string       // fixed
	Branches []BranchRule // branch
	Default  *string      // branch; ser: null
}

// BranchRule routes on one gate's outcome.
type BranchRule struct {
	GateID      string      `json:"gate_id"`
	Outcome     GateOutcome `json:"outcome"`
	NextStageID string      `json:"next_stage_id"`
}

// GateOutcome is the lower-case tri-state used by branch rules.
type GateOutcome string

// The gate outcomes.
const (
	OutcomeTrue    GateOutcome = "true"
	OutcomeFalse   GateOutcome = "false"
	OutcomeUnknown GateOutcome = "unknown"
)

// UnmarshalText rejects unknown outcomes.
func (o *GateOutcome) UnmarshalText(b []byte) error {
	switch v := GateOutcome(b); v {
	case OutcomeTrue, OutcomeFalse, OutcomeUnknown:
		*o = v
		return nil
	}
	return fmt.Errorf("unknown variant `%s`, expected one of `true`, `false`, `unknown`", b)
}

// MarshalJSON implements [json.Marshaler].
func (a AdvanceTo) MarshalJSON() ([]byte, error) {
	switch a.Kind {
	case AdvanceLinear, AdvanceTerminal:
		return json.Marshal(struct {
			Kind AdvanceKind `json:"kind"`
		}{a.Kind})
	case AdvanceFixed:
		return json.Marshal(struct {
			Kind    AdvanceKind `json:"kind"`
			StageID string      `json:"stage_id"`
		}{a.Kind, a.StageID})
	case AdvanceBranch:
		br := a.Branches
		if br == nil {
			br = []BranchRule{}
		}
		return json.Marshal(struct {
			Kind     AdvanceKind  `json:"kind"`
			Branches []BranchRule `json:"branches"`
			Default  *string      `json:"default"`
		}{a.Kind, br, a.Default})
	}
	return nil, fmt.Errorf("scenario: advance_to has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (a *AdvanceTo) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind     *string          `json:"kind"`
		StageID  *string          `json:"stage_id"`
		Branches *json.RawMessage `json:"branches"`
		Default  *string          `json:"default"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("advance_to: %w", err)
	}
	if raw.Kind == nil {
		return fmt.Errorf("advance_to: missing field `kind`")
	}
	switch k := AdvanceKind(*raw.Kind); k {
	case AdvanceLinear, AdvanceTerminal:
		*a = AdvanceTo{Kind: k}
	case AdvanceFixed:
		if raw.StageID == nil {
			return fmt.Errorf("advance_to: missing field `stage_id`")
		}
		*a = AdvanceTo{Kind: k, StageID: *raw.StageID}
	case AdvanceBranch:
		if raw.Branches == nil {
			return fmt.Errorf("advance_to: missing field `branches`")
		}
		var rules []BranchRule
		if err := decodeStrict(*raw.Branches, &rules); err != nil {
			return fmt.Errorf("advance_to.branches: %w", err)
		}
		*a = AdvanceTo{Kind: k, Branches: rules, Default: raw.Default}
	default:
		return fmt.Errorf("advance_to: unknown variant `%s`, expected one of `linear`, `fixed`, `branch`, `terminal`", *raw.Kind)
	}
	return nil
}
