package plugintest

import (
	"encoding/json"

	"github.com/decision-gate/dgw/sdk"
)

// NewCall returns a call of check with the given params and config (either
// may be "" for absent) at a unix-millis trigger time.
func NewCall(check, params, config string, millis int64) *sdk.Call {
	return newCall(check, params, config, sdk.Timestamp{Kind: sdk.UnixMillis, Millis: millis})
}

// NewLogicalCall is [NewCall] with a logical trigger time.
func NewLogicalCall(check, params, config string, logical uint64) *sdk.Call {
	return newCall(check, params, config, sdk.Timestamp{Kind: sdk.Logical, Logical: logical})
}

func newCall(check, params, config string, ts sdk.Timestamp) *sdk.Call {
	c := &sdk.Call{
		CheckID: check,
		Context: sdk.Context{
			TenantID: 1, NamespaceID: 1,
			RunID: "run-1", ScenarioID: "scenario-1", StageID: "stage-1", TriggerID: "trigger-1",
			TriggerTime: ts,
		},
	}
	if params != "" {
		c.Params = json.RawMessage(params)
	}
	if config != "" {
		c.Config = json.RawMessage(config)
	}
	return c
}
