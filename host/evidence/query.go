package evidence

import (
	"encoding/json"
)

// Query names one provider check and its parameters.
//
// Wire form: {"provider_id","check_id","params"?}. A JSON null params is the
// same as absent, and absent params are omitted when serialised (they are
// part of the spec hash).
type Query struct {
	ProviderID string          `json:"provider_id"`
	CheckID    string          `json:"check_id"`
	Params     json.RawMessage `json:"params,omitempty"`
}

// UnmarshalJSON implements [json.Unmarshaler], folding params:null into absent.
func (q *Query) UnmarshalJSON(data []byte) error {
	type plain Query
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	p.Params = NullToAbsent(p.Params)
	*q = Query(p)
	return nil
}

// StrictFields marks Query's UnmarshalJSON as field post-processing only.
func (Query) StrictFields() {}

// Context is what a provider is told about the run it serves. In a live run
// it is filled from the run state and the current trigger.
type Context struct {
	TenantID      TenantID    `json:"tenant_id"`
	NamespaceID   NamespaceID `json:"namespace_id"`
	RunID         string      `json:"run_id"`
	ScenarioID    string      `json:"scenario_id"`
	StageID       string      `json:"stage_id"`
	TriggerID     string      `json:"trigger_id"`
	TriggerTime   Timestamp   `json:"trigger_time"`
	CorrelationID *string     `json:"correlation_id" dg:"optional"`
}

// NullToAbsent maps a JSON null literal to nil, leaving other values as they
// are. It implements the reference's rule that an optional field given as
// null is absent.
func NullToAbsent(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return nil
	}
	return raw
}

func isNull(raw []byte) bool {
	i := 0
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	j := len(raw)
	for j > i && (raw[j-1] == ' ' || raw[j-1] == '\t' || raw[j-1] == '\n' || raw[j-1] == '\r') {
		j--
	}
	return j-i == 4 && string(raw[i:j]) == "null"
}
