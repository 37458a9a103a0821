package scenario

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// Spec is a scenario definition.
type Spec struct {
	ScenarioID      string               `json:"scenario_id"`
	NamespaceID     evidence.NamespaceID `json:"namespace_id"`
	SpecVersion     string               `json:"spec_version"`
	Stages          []Stage              `json:"stages"`
	Conditions      []Condition          `json:"conditions"`
	Policies        []PolicyRef          `json:"policies"`
	Schemas         []SchemaRef          `json:"schemas"`
	DefaultTenantID *evidence.TenantID   `json:"default_tenant_id"` // ser: null
}

// PolicyRef is informational: stored and hashed, never evaluated.
type PolicyRef struct {
	PolicyID    string  `json:"policy_id"`
	Description *string `json:"description"`
}

// SchemaRef is informational: stored and hashed, never evaluated.
type SchemaRef struct {
	SchemaID string  `json:"schema_id"`
	Version  *string `json:"version"`
	URI      *string `json:"uri"`
}

// Stage is one step of a scenario.
type Stage struct {
	StageID      string        `json:"stage_id"`
	EntryPackets []PacketSpec  `json:"entry_packets"`
	Gates        []Gate        `json:"gates"`
	AdvanceTo    AdvanceTo     `json:"advance_to"`
	Timeout      *TimeoutSpec  `json:"timeout"` // ser: null
	OnTimeout    TimeoutPolicy `json:"on_timeout"`
}

// TimeoutSpec bounds how long a run may wait in a stage (checked on tick
// triggers only).
type TimeoutSpec struct {
	TimeoutMS  uint64   `json:"timeout_ms"`
	PolicyTags []string `json:"policy_tags"`
}

// TimeoutPolicy says what a tick past the stage deadline does.
type TimeoutPolicy string

// The timeout policies.
const (
	TimeoutFail            TimeoutPolicy = "fail"
	TimeoutAdvanceWithFlag TimeoutPolicy = "advance_with_flag"
	TimeoutAlternateBranch TimeoutPolicy = "alternate_branch"
)

// UnmarshalText rejects unknown policies.
func (p *TimeoutPolicy) UnmarshalText(b []byte) error {
	switch v := TimeoutPolicy(b); v {
	case TimeoutFail, TimeoutAdvanceWithFlag, TimeoutAlternateBranch:
		*p = v
		return nil
	}
	return fmt.Errorf("unknown variant `%s`, expected one of `fail`, `advance_with_flag`, `alternate_branch`", b)
}

// Gate is a named requirement tree; a stage advances when all its gates are True.
type Gate struct {
	GateID      string                     `json:"gate_id"`
	Requirement Requirement                `json:"requirement"`
	Trust       *evidence.TrustRequirement `json:"trust,omitempty"` // ser: omit
}

// Condition binds an evidence query to a comparator and expected value.
type Condition struct {
	ConditionID string                     `json:"condition_id"`
	Query       evidence.Query             `json:"query"`
	Comparator  evidence.Comparator        `json:"comparator"`
	Expected    json.RawMessage            `json:"expected" dg:"optional"` // ser: null; null means absent
	PolicyTags  []string                   `json:"policy_tags"`
	Trust       *evidence.TrustRequirement `json:"trust,omitempty"` // ser: omit
}

// MarshalJSON emits expected as null when absent.
func (c Condition) MarshalJSON() ([]byte, error) {
	type plain Condition
	p := plain(c)
	if len(p.Expected) == 0 {
		p.Expected = json.RawMessage("null")
	}
	return json.Marshal(p)
}

// UnmarshalJSON folds expected:null into absent.
func (c *Condition) UnmarshalJSON(data []byte) error {
	type plain Condition
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	p.Expected = evidence.NullToAbsent(p.Expected)
	*c = Condition(p)
	return nil
}

// StrictFields marks Condition's UnmarshalJSON as field post-processing only.
func (Condition) StrictFields() {}

// PacketSpec is a packet issued when a run enters the stage.
type PacketSpec struct {
	PacketID         string              `json:"packet_id"`
	SchemaID         string              `json:"schema_id"`
	ContentType      string              `json:"content_type"`
	VisibilityLabels []string            `json:"visibility_labels"`
	PolicyTags       []string            `json:"policy_tags"`
	Expiry           *evidence.Timestamp `json:"expiry"` // ser: null
	Payload          Payload             `json:"payload"`
}

// Condition returns the condition with the given id, or nil.
func (s *Spec) Condition(id string) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].ConditionID == id {
			return &s.Conditions[i]
		}
	}
	return nil
}

// StageIndex returns the index of a stage, or -1.
func (s *Spec) StageIndex(id string) int {
	for i := range s.Stages {
		if s.Stages[i].StageID == id {
			return i
		}
	}
	return -1
}

// Hash returns the spec hash: sha256 of the canonical JSON of the spec.
func (s *Spec) Hash() (evidence.HashDigest, error) { return evidence.HashJSON(s) }
