package sdk

import (
	"encoding/json"

	"github.com/decision-gate/dgw/abi"
)

// Call is one query.
type Call struct {
	CheckID string
	Params  json.RawMessage // nil when absent (or given as null)
	Context Context
	Config  json.RawMessage // the operator's config block for this provider ({} when none)
}

// Context is what the host tells a provider about the run it serves.
type Context struct {
	TenantID, NamespaceID                 uint64
	RunID, ScenarioID, StageID, TriggerID string
	TriggerTime                           Timestamp
	CorrelationID                         *string
}

// Timestamp kinds.
const (
	UnixMillis = abi.TimestampUnixMillis // "unix_millis"
	Logical    = abi.TimestampLogical    // "logical"
)

// Timestamp is the trigger time: wall-clock milliseconds or a logical
// counter, chosen by whoever triggered the run.
type Timestamp struct {
	Kind    string // "unix_millis" | "logical"
	Millis  int64  // when Kind is "unix_millis"
	Logical uint64 // when Kind is "logical"
}

func callFromABI(q *abi.QueryRequest) *Call {
	c := q.Context
	cfg := q.Config
	if len(cfg) == 0 || string(cfg) == "null" {
		cfg = json.RawMessage("{}")
	}
	params := q.Params
	if string(params) == "null" {
		params = nil
	}
	return &Call{
		CheckID: q.CheckID,
		Params:  params,
		Config:  cfg,
		Context: Context{
			TenantID: c.TenantID, NamespaceID: c.NamespaceID,
			RunID: c.RunID, ScenarioID: c.ScenarioID, StageID: c.StageID, TriggerID: c.TriggerID,
			TriggerTime:   Timestamp(c.TriggerTime),
			CorrelationID: c.CorrelationID,
		},
	}
}

func (c *Call) toABI() abi.QueryRequest {
	x := c.Context
	return abi.QueryRequest{
		CheckID: c.CheckID,
		Params:  c.Params,
		Config:  c.Config,
		Context: abi.Context{
			TenantID: x.TenantID, NamespaceID: x.NamespaceID,
			RunID: x.RunID, ScenarioID: x.ScenarioID, StageID: x.StageID, TriggerID: x.TriggerID,
			TriggerTime:   abi.Timestamp(x.TriggerTime),
			CorrelationID: x.CorrelationID,
		},
	}
}
