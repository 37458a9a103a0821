package contract

import (
	"testing"

	"github.com/decision-gate/dgw/sdk"
)

const entryJSON = `{
  "checks": [
    {
      "allowed_comparators": ["equals"],
      "anchor_types": ["a"],
      "check_id": "c",
      "content_types": ["application/json"],
      "description": "A check.",
      "determinism": "external",
      "examples": [],
      "params_required": true,
      "params_schema": {"type": "object"},
      "result_schema": {"type": "string"}
    }
  ],
  "config_schema": {"type": "object"},
  "description": "A provider.",
  "name": "Test Provider",
  "notes": ["n"],
  "provider_id": "test",
  "transport": "builtin"
}`

func run(*sdk.Call) (*sdk.Result, error) { return &sdk.Result{}, nil }

func TestProvider(t *testing.T) {
	p := Provider([]byte(entryJSON), "1.2.3", map[string]RunFunc{"c": run})
	if p.ID != "test" || p.Name != "Test Provider" || p.Version != "1.2.3" || len(p.Checks) != 1 {
		t.Fatalf("provider = %+v", p)
	}
	c := p.Checks[0]
	if c.ID != "c" || !c.ParamsRequired || string(c.ResultSchema) != `{"type": "string"}` || c.Run == nil ||
		c.AllowedComparators[0] != "equals" || c.Determinism != "external" || string(c.Examples) != "[]" {
		t.Errorf("check = %+v", c)
	}
}

func TestProvider_panics(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		runs map[string]RunFunc
	}{
		{"missing run", entryJSON, map[string]RunFunc{}},
		{"extra run", entryJSON, map[string]RunFunc{"c": run, "d": run}},
		{"not json", `{`, map[string]RunFunc{"c": run}},
		{"unknown field", `{"provider_id":"x","transport":"builtin","extra":1}`, nil},
		{"not builtin", `{"provider_id":"x","transport":"mcp"}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			Provider([]byte(tc.raw), "0", tc.runs)
		})
	}
}
