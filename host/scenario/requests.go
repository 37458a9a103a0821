package scenario

import (
	"encoding/json"

	"github.com/decision-gate/dgw/host/evidence"
)

// StatusRequest asks for a run's status (scenario_status).
type StatusRequest struct {
	RunID         string               `json:"run_id"`
	TenantID      evidence.TenantID    `json:"tenant_id"`
	NamespaceID   evidence.NamespaceID `json:"namespace_id"`
	RequestedAt   evidence.Timestamp   `json:"requested_at"`
	CorrelationID *string              `json:"correlation_id"`
}

// Key returns the run key.
func (r *StatusRequest) Key() RunKey { return RunKey{r.TenantID, r.NamespaceID, r.RunID} }

// NextRequest asks the engine to evaluate the current stage on behalf of an
// agent (scenario_next).
type NextRequest struct {
	RunID         string               `json:"run_id"`
	TenantID      evidence.TenantID    `json:"tenant_id"`
	NamespaceID   evidence.NamespaceID `json:"namespace_id"`
	TriggerID     string               `json:"trigger_id"`
	AgentID       string               `json:"agent_id"`
	Time          evidence.Timestamp   `json:"time"`
	CorrelationID *string              `json:"correlation_id"`
}

// Key returns the run key.
func (r *NextRequest) Key() RunKey { return RunKey{r.TenantID, r.NamespaceID, r.RunID} }

// Trigger returns the trigger event a next request stands for.
func (r *NextRequest) Trigger() TriggerEvent {
	return TriggerEvent{
		TriggerID: r.TriggerID, TenantID: r.TenantID, NamespaceID: r.NamespaceID, RunID: r.RunID,
		Kind: TriggerAgentRequestNext, Time: r.Time, SourceID: r.AgentID, CorrelationID: r.CorrelationID,
	}
}

// SubmitRequest attaches an artifact to a run (scenario_submit).
type SubmitRequest struct {
	RunID         string               `json:"run_id"`
	TenantID      evidence.TenantID    `json:"tenant_id"`
	NamespaceID   evidence.NamespaceID `json:"namespace_id"`
	SubmissionID  string               `json:"submission_id"`
	Payload       Payload              `json:"payload"`
	ContentType   string               `json:"content_type"`
	SubmittedAt   evidence.Timestamp   `json:"submitted_at"`
	CorrelationID *string              `json:"correlation_id"`
}

// Key returns the run key.
func (r *SubmitRequest) Key() RunKey { return RunKey{r.TenantID, r.NamespaceID, r.RunID} }

// Status is the result of scenario_status.
type Status struct {
	RunID           string          `json:"run_id"`
	ScenarioID      string          `json:"scenario_id"`
	CurrentStageID  string          `json:"current_stage_id"`
	Status          RunStatus       `json:"status"`
	LastDecision    *DecisionRecord `json:"last_decision"`
	IssuedPacketIDs []string        `json:"issued_packet_ids"`
	SafeSummary     *SafeSummary    `json:"safe_summary"`
}

// MarshalJSON emits empty lists as [].
func (s Status) MarshalJSON() ([]byte, error) {
	type plain Status
	p := plain(s)
	p.IssuedPacketIDs = nonNil(p.IssuedPacketIDs)
	return json.Marshal(p)
}

// NextResult is the result of scenario_next and scenario_trigger (without
// feedback, which the tool layer adds).
type NextResult struct {
	Decision DecisionRecord `json:"decision"`
	Packets  []PacketRecord `json:"packets"`
	Status   RunStatus      `json:"status"`
}

// MarshalJSON emits empty packets as [].
func (r NextResult) MarshalJSON() ([]byte, error) {
	type plain NextResult
	p := plain(r)
	p.Packets = nonNil(p.Packets)
	return json.Marshal(p)
}

// SubmitResult is the result of scenario_submit.
type SubmitResult struct {
	Record SubmissionRecord `json:"record"`
}
