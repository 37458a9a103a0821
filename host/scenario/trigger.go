package scenario

import (
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// TriggerKind says what caused a trigger.
type TriggerKind string

// The trigger kinds.
const (
	TriggerAgentRequestNext TriggerKind = "agent_request_next"
	TriggerTick             TriggerKind = "tick"
	TriggerExternalEvent    TriggerKind = "external_event"
	TriggerBackendEvent     TriggerKind = "backend_event"
)

// UnmarshalText rejects unknown kinds.
func (k *TriggerKind) UnmarshalText(b []byte) error {
	switch v := TriggerKind(b); v {
	case TriggerAgentRequestNext, TriggerTick, TriggerExternalEvent, TriggerBackendEvent:
		*k = v
		return nil
	}
	return fmt.Errorf("unknown variant `%s`, expected one of `agent_request_next`, `tick`, `external_event`, `backend_event`", b)
}

// TriggerEvent asks the engine to evaluate the current stage of a run.
type TriggerEvent struct {
	TriggerID     string               `json:"trigger_id"`
	TenantID      evidence.TenantID    `json:"tenant_id"`
	NamespaceID   evidence.NamespaceID `json:"namespace_id"`
	RunID         string               `json:"run_id"`
	Kind          TriggerKind          `json:"kind"`
	Time          evidence.Timestamp   `json:"time"`
	SourceID      string               `json:"source_id"`
	Payload       *Payload             `json:"payload"`        // ser: null
	CorrelationID *string              `json:"correlation_id"` // ser: null
}

// Key returns the key of the run the trigger targets.
func (t *TriggerEvent) Key() RunKey {
	return RunKey{TenantID: t.TenantID, NamespaceID: t.NamespaceID, RunID: t.RunID}
}

// TriggerRecord is a trigger as logged in run state.
type TriggerRecord struct {
	Seq   uint64       `json:"seq"`
	Event TriggerEvent `json:"event"`
}
