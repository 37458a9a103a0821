package scenario

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// EvidenceRecord is one condition's evidence and status within a gate
// evaluation.
type EvidenceRecord struct {
	ConditionID string            `json:"condition_id"`
	Status      evidence.TriState `json:"status"`
	Result      evidence.Result   `json:"result"`
}

// GateEvaluation is a gate's status and the trace of its condition leaves.
type GateEvaluation struct {
	GateID string            `json:"gate_id"`
	Status evidence.TriState `json:"status"`
	Trace  []TraceEntry      `json:"trace"`
}

// MarshalJSON emits an empty trace as [].
func (g GateEvaluation) MarshalJSON() ([]byte, error) {
	type plain GateEvaluation
	p := plain(g)
	p.Trace = nonNil(p.Trace)
	return json.Marshal(p)
}

// GateEvalRecord logs one gate evaluation with the evidence it used, sorted
// by condition id.
type GateEvalRecord struct {
	TriggerID  string           `json:"trigger_id"`
	StageID    string           `json:"stage_id"`
	Evaluation GateEvaluation   `json:"evaluation"`
	Evidence   []EvidenceRecord `json:"evidence"`
}

// MarshalJSON emits empty evidence as [].
func (g GateEvalRecord) MarshalJSON() ([]byte, error) {
	type plain GateEvalRecord
	p := plain(g)
	p.Evidence = nonNil(p.Evidence)
	return json.Marshal(p)
}

// SafeSummary explains a hold without disclosing evidence.
type SafeSummary struct {
	Status     string   `json:"status"` // always "hold"
	UnmetGates []string `json:"unmet_gates"`
	RetryHint  *string  `json:"retry_hint"`
	PolicyTags []string `json:"policy_tags"` // always empty
}

// MarshalJSON emits empty lists as [].
func (s SafeSummary) MarshalJSON() ([]byte, error) {
	type plain SafeSummary
	p := plain(s)
	p.UnmetGates = nonNil(p.UnmetGates)
	p.PolicyTags = nonNil(p.PolicyTags)
	return json.Marshal(p)
}

// OutcomeKind is the kind of a decision.
type OutcomeKind string

// The decision outcomes.
const (
	OutcomeStart    OutcomeKind = "start"
	OutcomeComplete OutcomeKind = "complete"
	OutcomeAdvance  OutcomeKind = "advance"
	OutcomeHold     OutcomeKind = "hold"
	OutcomeFail     OutcomeKind = "fail"
)

// Outcome is a tagged union on "kind": {"kind":"start","stage_id"} |
// {"kind":"complete","stage_id"} | {"kind":"advance","from_stage","to_stage","timeout"} |
// {"kind":"hold","summary"} | {"kind":"fail","reason"}.
type Outcome struct {
	Kind      OutcomeKind
	StageID   string       // start, complete
	FromStage string       // advance
	ToStage   string       // advance
	Timeout   bool         // advance
	Summary   *SafeSummary // hold
	Reason    string       // fail
}

// MarshalJSON implements [json.Marshaler].
func (o Outcome) MarshalJSON() ([]byte, error) {
	switch o.Kind {
	case OutcomeStart, OutcomeComplete:
		return json.Marshal(struct {
			Kind    OutcomeKind `json:"kind"`
			StageID string      `json:"stage_id"`
		}{o.Kind, o.StageID})
	case OutcomeAdvance:
		return json.Marshal(struct {
			Kind      OutcomeKind `json:"kind"`
			FromStage string      `json:"from_stage"`
			ToStage   string      `json:"to_stage"`
			Timeout   bool        `json:"timeout"`
		}{o.Kind, o.FromStage, o.ToStage, o.Timeout})
	case OutcomeHold:
		sum := o.Summary
		if sum == nil {
			sum = &SafeSummary{Status: "hold"}
		}
		return json.Marshal(struct {
			Kind    OutcomeKind  `json:"kind"`
			Summary *SafeSummary `json:"summary"`
		}{o.Kind, sum})
	case OutcomeFail:
		return json.Marshal(struct {
			Kind   OutcomeKind `json:"kind"`
			Reason string      `json:"reason"`
		}{o.Kind, o.Reason})
	}
	return nil, fmt.Errorf("scenario: decision outcome has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (o *Outcome) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind      string       `json:"kind"`
		StageID   *string      `json:"stage_id"`
		FromStage *string      `json:"from_stage"`
		ToStage   *string      `json:"to_stage"`
		Timeout   *bool        `json:"timeout"`
		Summary   *SafeSummary `json:"summary"`
		Reason    *string      `json:"reason"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("decision outcome: %w", err)
	}
	missing := func(f string) error { return fmt.Errorf("decision outcome: missing field `%s`", f) }
	out := Outcome{Kind: OutcomeKind(raw.Kind)}
	switch out.Kind {
	case OutcomeStart, OutcomeComplete:
		if raw.StageID == nil {
			return missing("stage_id")
		}
		out.StageID = *raw.StageID
	case OutcomeAdvance:
		if raw.FromStage == nil || raw.ToStage == nil || raw.Timeout == nil {
			return missing("from_stage/to_stage/timeout")
		}
		out.FromStage, out.ToStage, out.Timeout = *raw.FromStage, *raw.ToStage, *raw.Timeout
	case OutcomeHold:
		if raw.Summary == nil {
			return missing("summary")
		}
		out.Summary = raw.Summary
	case OutcomeFail:
		if raw.Reason == nil {
			return missing("reason")
		}
		out.Reason = *raw.Reason
	default:
		return fmt.Errorf("decision outcome: unknown variant `%s`", raw.Kind)
	}
	*o = out
	return nil
}

// DecisionRecord is one decision of a run.
type DecisionRecord struct {
	DecisionID    string             `json:"decision_id"` // "decision-<seq>"
	Seq           uint64             `json:"seq"`
	TriggerID     string             `json:"trigger_id"`
	StageID       string             `json:"stage_id"`
	DecidedAt     evidence.Timestamp `json:"decided_at"`
	Outcome       Outcome            `json:"outcome"`
	CorrelationID *string            `json:"correlation_id"`
}

// Visibility carries a packet's labels and policy tags.
type Visibility struct {
	Labels     []string `json:"labels"`
	PolicyTags []string `json:"policy_tags"`
}

// PacketEnvelope describes an issued packet; its canonical hash is the
// dispatch receipt hash.
type PacketEnvelope struct {
	ScenarioID    string              `json:"scenario_id"`
	RunID         string              `json:"run_id"`
	StageID       string              `json:"stage_id"`
	PacketID      string              `json:"packet_id"`
	SchemaID      string              `json:"schema_id"`
	ContentType   string              `json:"content_type"`
	ContentHash   evidence.HashDigest `json:"content_hash"`
	Visibility    Visibility          `json:"visibility"`
	Expiry        *evidence.Timestamp `json:"expiry"`
	CorrelationID *string             `json:"correlation_id"`
	IssuedAt      evidence.Timestamp  `json:"issued_at"`
}

// DispatchReceipt records delivery of a packet to one dispatch target.
type DispatchReceipt struct {
	DispatchID   string              `json:"dispatch_id"` // "mcp-<packet_id>"
	Target       DispatchTarget      `json:"target"`
	ReceiptHash  evidence.HashDigest `json:"receipt_hash"`
	DispatchedAt evidence.Timestamp  `json:"dispatched_at"`
	Dispatcher   string              `json:"dispatcher"` // "mcp"
}

// PacketRecord is an issued packet with its payload and receipts.
type PacketRecord struct {
	Envelope   PacketEnvelope    `json:"envelope"`
	Payload    Payload           `json:"payload"`
	Receipts   []DispatchReceipt `json:"receipts"`
	DecisionID string            `json:"decision_id"`
}

// MarshalJSON emits empty receipts as [].
func (p PacketRecord) MarshalJSON() ([]byte, error) {
	type plain PacketRecord
	q := plain(p)
	q.Receipts = nonNil(q.Receipts)
	return json.Marshal(q)
}

// SubmissionRecord is an artifact submitted to a run.
type SubmissionRecord struct {
	SubmissionID  string              `json:"submission_id"`
	RunID         string              `json:"run_id"`
	Payload       Payload             `json:"payload"`
	ContentType   string              `json:"content_type"`
	ContentHash   evidence.HashDigest `json:"content_hash"`
	SubmittedAt   evidence.Timestamp  `json:"submitted_at"`
	CorrelationID *string             `json:"correlation_id"`
}

// ToolCallRecord logs one state-touching tool call on a run.
type ToolCallRecord struct {
	CallID        string              `json:"call_id"` // "call-<n>"
	Method        string              `json:"method"`
	RequestHash   evidence.HashDigest `json:"request_hash"`
	ResponseHash  evidence.HashDigest `json:"response_hash"`
	CalledAt      evidence.Timestamp  `json:"called_at"`
	CorrelationID *string             `json:"correlation_id"`
	Error         *ToolCallError      `json:"error"`
}

// ToolCallError is the error of a failed tool call.
type ToolCallError struct {
	Code    string                `json:"code"`
	Message string                `json:"message"`
	Details *ToolCallErrorDetails `json:"details"`
}

// ToolCallErrorDetails is a tagged union on "kind":
// {"kind":"provider_missing","missing_providers","required_capabilities","blocked_by_policy"} |
// {"kind":"message","info"}.
type ToolCallErrorDetails struct {
	Kind                 string // provider_missing, message
	MissingProviders     []string
	RequiredCapabilities []string
	BlockedByPolicy      bool
	Info                 string
}

// MarshalJSON implements [json.Marshaler].
func (d ToolCallErrorDetails) MarshalJSON() ([]byte, error) {
	switch d.Kind {
	case "provider_missing":
		return json.Marshal(struct {
			Kind                 string   `json:"kind"`
			MissingProviders     []string `json:"missing_providers"`
			RequiredCapabilities []string `json:"required_capabilities"`
			BlockedByPolicy      bool     `json:"blocked_by_policy"`
		}{d.Kind, nonNil(d.MissingProviders), nonNil(d.RequiredCapabilities), d.BlockedByPolicy})
	case "message":
		return json.Marshal(struct {
			Kind string `json:"kind"`
			Info string `json:"info"`
		}{d.Kind, d.Info})
	}
	return nil, fmt.Errorf("scenario: tool call error details have no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (d *ToolCallErrorDetails) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind                 string   `json:"kind"`
		MissingProviders     []string `json:"missing_providers"`
		RequiredCapabilities []string `json:"required_capabilities"`
		BlockedByPolicy      bool     `json:"blocked_by_policy"`
		Info                 string   `json:"info"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("tool call error details: %w", err)
	}
	if raw.Kind != "provider_missing" && raw.Kind != "message" {
		return fmt.Errorf("tool call error details: unknown variant `%s`", raw.Kind)
	}
	*d = ToolCallErrorDetails(raw)
	return nil
}
