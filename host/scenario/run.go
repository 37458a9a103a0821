package scenario

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// RunStatus is the lifecycle state of a run.
type RunStatus string

// The run statuses.
const (
	RunActive    RunStatus = "active"
	RunCompleted RunStatus = "completed"
	RunFailed    RunStatus = "failed"
)

// UnmarshalText rejects unknown statuses.
func (s *RunStatus) UnmarshalText(b []byte) error {
	switch v := RunStatus(b); v {
	case RunActive, RunCompleted, RunFailed:
		*s = v
		return nil
	}
	return fmt.Errorf("unknown variant `%s`, expected one of `active`, `completed`, `failed`", b)
}

// RunKey identifies a run.
type RunKey struct {
	TenantID    evidence.TenantID
	NamespaceID evidence.NamespaceID
	RunID       string
}

// String renders the key for messages and store keys.
func (k RunKey) String() string {
	return fmt.Sprintf("%d/%d/%s", uint64(k.TenantID), uint64(k.NamespaceID), k.RunID)
}

// RunConfig is the input to scenario_start. PolicyTags is accepted and
// discarded, as in the reference.
type RunConfig struct {
	TenantID        evidence.TenantID    `json:"tenant_id"`
	NamespaceID     evidence.NamespaceID `json:"namespace_id"`
	RunID           string               `json:"run_id"`
	ScenarioID      string               `json:"scenario_id"`
	DispatchTargets []DispatchTarget     `json:"dispatch_targets"`
	PolicyTags      []string             `json:"policy_tags"`
}

// RunState is everything a run has accumulated. Its lists are append-only.
type RunState struct {
	TenantID        evidence.TenantID    `json:"tenant_id"`
	NamespaceID     evidence.NamespaceID `json:"namespace_id"`
	RunID           string               `json:"run_id"`
	ScenarioID      string               `json:"scenario_id"`
	SpecHash        evidence.HashDigest  `json:"spec_hash"`
	CurrentStageID  string               `json:"current_stage_id"`
	StageEnteredAt  evidence.Timestamp   `json:"stage_entered_at"`
	Status          RunStatus            `json:"status"`
	DispatchTargets []DispatchTarget     `json:"dispatch_targets"`
	Triggers        []TriggerRecord      `json:"triggers"`
	GateEvals       []GateEvalRecord     `json:"gate_evals"`
	Decisions       []DecisionRecord     `json:"decisions"`
	Packets         []PacketRecord       `json:"packets"`
	Submissions     []SubmissionRecord   `json:"submissions"`
	ToolCalls       []ToolCallRecord     `json:"tool_calls"`
	// Provenance holds one governance record per decision made while a
	// provenance recorder was configured. It is never exported into a
	// runpack.
	Provenance []Provenance `json:"provenance,omitempty"`
}

// Key returns the run's key.
func (s *RunState) Key() RunKey {
	return RunKey{TenantID: s.TenantID, NamespaceID: s.NamespaceID, RunID: s.RunID}
}

// Mark captures the lengths of the append-only lists and the mutable
// scalars, so a failed call can be rolled back with [RunState.Rollback].
type Mark struct {
	triggers, gateEvals, decisions, packets, submissions, toolCalls, provenance int
	stage                                                                       string
	entered                                                                     evidence.Timestamp
	status                                                                      RunStatus
}

// Mark returns a rollback point.
func (s *RunState) Mark() Mark {
	return Mark{len(s.Triggers), len(s.GateEvals), len(s.Decisions), len(s.Packets),
		len(s.Submissions), len(s.ToolCalls), len(s.Provenance), s.CurrentStageID, s.StageEnteredAt, s.Status}
}

// Rollback restores the state captured by m.
func (s *RunState) Rollback(m Mark) {
	s.Triggers = s.Triggers[:m.triggers]
	s.GateEvals = s.GateEvals[:m.gateEvals]
	s.Decisions = s.Decisions[:m.decisions]
	s.Packets = s.Packets[:m.packets]
	s.Submissions = s.Submissions[:m.submissions]
	s.ToolCalls = s.ToolCalls[:m.toolCalls]
	s.Provenance = s.Provenance[:m.provenance]
	s.CurrentStageID, s.StageEnteredAt, s.Status = m.stage, m.entered, m.status
}

// Clone returns a copy that shares no list backing arrays with s, so
// appends to either do not affect the other. Records themselves are
// immutable once appended and are shared.
func (s *RunState) Clone() *RunState {
	c := *s
	c.DispatchTargets = append([]DispatchTarget(nil), s.DispatchTargets...)
	c.Triggers = append([]TriggerRecord(nil), s.Triggers...)
	c.GateEvals = append([]GateEvalRecord(nil), s.GateEvals...)
	c.Decisions = append([]DecisionRecord(nil), s.Decisions...)
	c.Packets = append([]PacketRecord(nil), s.Packets...)
	c.Submissions = append([]SubmissionRecord(nil), s.Submissions...)
	c.ToolCalls = append([]ToolCallRecord(nil), s.ToolCalls...)
	c.Provenance = append([]Provenance(nil), s.Provenance...)
	return &c
}

// MarshalJSON emits empty lists as [] rather than null.
func (s RunState) MarshalJSON() ([]byte, error) {
	type plain RunState
	p := plain(s)
	p.DispatchTargets = nonNil(p.DispatchTargets)
	p.Triggers = nonNil(p.Triggers)
	p.GateEvals = nonNil(p.GateEvals)
	p.Decisions = nonNil(p.Decisions)
	p.Packets = nonNil(p.Packets)
	p.Submissions = nonNil(p.Submissions)
	p.ToolCalls = nonNil(p.ToolCalls)
	return json.Marshal(p)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DispatchTarget is a tagged union on "kind": {"kind":"agent","agent_id"} |
// {"kind":"session","session_id"} | {"kind":"external","system","target"} |
// {"kind":"channel","channel"}.
type DispatchTarget struct {
	Kind      string // agent, session, external, channel
	AgentID   string
	SessionID string
	System    string
	Target    string
	Channel   string
}

// MarshalJSON implements [json.Marshaler].
func (d DispatchTarget) MarshalJSON() ([]byte, error) {
	switch d.Kind {
	case "agent":
		return json.Marshal(struct {
			AgentID string `json:"agent_id"`
			Kind    string `json:"kind"`
		}{d.AgentID, d.Kind})
	case "session":
		return json.Marshal(struct {
			Kind      string `json:"kind"`
			SessionID string `json:"session_id"`
		}{d.Kind, d.SessionID})
	case "external":
		return json.Marshal(struct {
			Kind   string `json:"kind"`
			System string `json:"system"`
			Target string `json:"target"`
		}{d.Kind, d.System, d.Target})
	case "channel":
		return json.Marshal(struct {
			Channel string `json:"channel"`
			Kind    string `json:"kind"`
		}{d.Channel, d.Kind})
	}
	return nil, fmt.Errorf("scenario: dispatch target has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (d *DispatchTarget) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return fmt.Errorf("dispatch target: expected an object")
	}
	str := func(key string) (string, error) {
		v, ok := raw[key]
		if !ok {
			return "", fmt.Errorf("dispatch target: missing field `%s`", key)
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", fmt.Errorf("dispatch target: field `%s` must be a string", key)
		}
		return s, nil
	}
	kind, err := str("kind")
	if err != nil {
		return err
	}
	out := DispatchTarget{Kind: kind}
	switch kind {
	case "agent":
		out.AgentID, err = str("agent_id")
	case "session":
		out.SessionID, err = str("session_id")
	case "external":
		if out.System, err = str("system"); err == nil {
			out.Target, err = str("target")
		}
	case "channel":
		out.Channel, err = str("channel")
	default:
		return fmt.Errorf("dispatch target: unknown variant `%s`, expected one of `agent`, `session`, `external`, `channel`", kind)
	}
	if err != nil {
		return err
	}
	*d = out
	return nil
}

// ID returns the target's identifier as matched by static policy selectors.
func (d DispatchTarget) ID() string {
	switch d.Kind {
	case "agent":
		return d.AgentID
	case "session":
		return d.SessionID
	case "channel":
		return d.Channel
	}
	return d.Target
}

// Key returns the key of the run the config starts.
func (c *RunConfig) Key() RunKey {
	return RunKey{TenantID: c.TenantID, NamespaceID: c.NamespaceID, RunID: c.RunID}
}

// Decisions returns the number of decisions at the mark.
func (m Mark) Decisions() int { return m.decisions }
