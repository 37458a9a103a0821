// Command template is example.template, the Decision Gate template
// provider ported to a pv1 WebAssembly reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w -buildid=' -o template.wasm .
//
// Its one check, value, answers params.value as a JSON string with the
// anchor {"anchor_type":"template","anchor_value":<value>}, exactly what
// the reference's external template provider answers over MCP. The module
// requests no capability at all: it shows the smallest useful provider,
// and it is the Wasm side of the external-provider benchmark in
// BENCHMARKS.md (the same check over stdio, over HTTP and in Wasm).
package main

import (
	"encoding/json"

	"github.com/decision-gate/dgw/sdk"
)

func init() { sdk.Register(provider) }

// main is never called: a reactor runs its package initialisers only.
func main() {}

var provider = sdk.Provider{
	ID:           "example.template",
	Name:         "Template Provider",
	Description:  "Returns params.value as JSON: the reference template provider as a Wasm module.",
	Version:      "0.1.0",
	ConfigSchema: json.RawMessage(`{"type":"object","additionalProperties":false}`),
	Notes:        []string{"Port of the reference template provider; requests no capability."},
	Checks: []sdk.Check{{
		ID:                 "value",
		Description:        "Return the params.value field as JSON.",
		Determinism:        "deterministic",
		ParamsRequired:     true,
		ParamsSchema:       json.RawMessage(`{"type":"object","additionalProperties":false,"properties":{"value":{"type":"string"}},"required":["value"]}`),
		ResultSchema:       json.RawMessage(`{"type":"string","x-decision-gate":{"allowed_comparators":["equals","not_equals","in_set"]}}`),
		AllowedComparators: []string{"equals", "not_equals", "in_set"},
		AnchorTypes:        []string{"template"},
		ContentTypes:       []string{"application/json"},
		Examples:           json.RawMessage(`[{"description":"Echoes a string value.","params":{"value":"example"},"result":"example"}]`),
		Run:                value,
	}},
}

// value answers params.value; a missing or non-string value is an in-band
// error, so the condition is Unknown.
func value(c *sdk.Call) (*sdk.Result, error) {
	var p struct {
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(c.Params, &p); err != nil || p.Value == nil {
		return &sdk.Result{Error: &sdk.ResultError{Code: "invalid_params", Message: "params.value must be a string"}}, nil
	}
	r := &sdk.Result{Anchor: &sdk.Anchor{Type: "template", Value: *p.Value}, ContentType: "application/json"}
	if err := r.SetJSON(*p.Value); err != nil {
		return nil, err
	}
	return r, nil
}
