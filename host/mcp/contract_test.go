package mcp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/decision-gate/dgw/host/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// contractSchemas compiles every tool's input and output schema with the
// scenario and config schemas registered for $ref resolution.
func contractSchemas(t *testing.T) (in, out map[string]*jsonschema.Schema) {
	t.Helper()
	c := jsonschema.NewCompiler()
	for _, name := range []string{"scenario.schema.json", "config.schema.json"} {
		data, err := mcp.SchemaDocument(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("decision-gate://contract/schemas/"+name, doc); err != nil {
			t.Fatal(err)
		}
	}
	in, out = map[string]*jsonschema.Schema{}, map[string]*jsonschema.Schema{}
	for _, tc := range mcp.Contracts() {
		for kind, raw := range map[string]json.RawMessage{"in": tc.InputSchema, "out": tc.OutputSchema} {
			loc := fmt.Sprintf("mem://tooling/%s/%s.json", tc.Name, kind)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.AddResource(loc, doc); err != nil {
				t.Fatal(err)
			}
			s, err := c.Compile(loc)
			if err != nil {
				t.Fatalf("%s %s schema: %v", tc.Name, kind, err)
			}
			if kind == "in" {
				in[tc.Name] = s
			} else {
				out[tc.Name] = s
			}
		}
	}
	return in, out
}

func validate(t *testing.T, s *jsonschema.Schema, what string, v any) {
	t.Helper()
	raw, _ := json.Marshal(v)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not match the contract: %v\n%s", what, err, raw)
	}
}

// TestToolContractConformance calls every tool with contract-valid input
// and validates each output against tooling.json.
func TestToolContractConformance(t *testing.T) {
	inS, outS := contractSchemas(t)
	e := newEnv(t, setup{})
	out := t.TempDir()
	shape := map[string]any{"type": "object", "properties": map[string]any{"prod": map[string]any{"type": "string"}}, "required": []any{"prod"}}
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"scenario_define", map[string]any{"spec": exampleSpec(t)}},
		{"scenario_start", startArgs("s1", "r1")},
		{"scenario_status", map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r1", "tenant_id": 1, "namespace_id": 1, "requested_at": ts(2), "correlation_id": nil}}},
		{"scenario_submit", map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r1", "tenant_id": 1, "namespace_id": 1,
			"submission_id": "sub", "payload": map[string]any{"kind": "json", "value": map[string]any{"a": 1}}, "content_type": "application/json",
			"submitted_at": ts(3), "correlation_id": "c-1"}}},
		{"scenario_next", map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r1", "tenant_id": 1, "namespace_id": 1,
			"trigger_id": "n1", "agent_id": "agent", "time": ts(4), "correlation_id": nil}, "feedback": "trace"}},
		{"scenario_start", startArgs("s1", "r2")},
		{"scenario_trigger", map[string]any{"scenario_id": "s1", "trigger": map[string]any{"trigger_id": "t1", "tenant_id": 1, "namespace_id": 1,
			"run_id": "r2", "kind": "tick", "time": ts(5), "source_id": "ci", "payload": nil, "correlation_id": nil}}},
		{"evidence_query", map[string]any{"query": map[string]any{"provider_id": "env", "check_id": "get", "params": map[string]any{"key": "DEPLOY_ENV"}}, "context": evCtx()}},
		{"runpack_export", map[string]any{"scenario_id": "s1", "tenant_id": 1, "namespace_id": 1, "run_id": "r1", "output_dir": out,
			"generated_at": ts(9), "include_verification": true}},
		{"runpack_verify", map[string]any{"runpack_dir": out, "manifest_path": "manifest.json"}},
		{"providers_list", map[string]any{}},
		{"provider_contract_get", map[string]any{"provider_id": "json"}},
		{"provider_check_schema_get", map[string]any{"provider_id": "time", "check_id": "after"}},
		{"schemas_register", map[string]any{"record": map[string]any{"tenant_id": 1, "namespace_id": 1, "schema_id": "shape", "version": "v1",
			"schema": shape, "description": "release shape", "created_at": ts(1)}}},
		{"schemas_list", map[string]any{"tenant_id": 1, "namespace_id": 1}},
		{"schemas_get", map[string]any{"tenant_id": 1, "namespace_id": 1, "schema_id": "shape", "version": "v1"}},
		{"scenarios_list", map[string]any{"tenant_id": 1, "namespace_id": 1, "limit": 10}},
		{"precheck", map[string]any{"tenant_id": 1, "namespace_id": 1, "scenario_id": "s1", "data_shape": map[string]any{"schema_id": "shape", "version": "v1"},
			"payload": map[string]any{"prod": "production"}}},
		{"decision_gate_docs_search", map[string]any{"query": "which tool starts a run", "max_sections": 3}},
	}
	seen := map[string]bool{}
	for _, c := range calls {
		seen[c.tool] = true
		validate(t, inS[c.tool], c.tool+" input", c.args)
		payload := e.mustCall(c.tool, c.args)
		validate(t, outS[c.tool], c.tool+" output", payload)
	}
	if len(seen) != 18 {
		t.Fatalf("covered %d of 18 tools", len(seen))
	}
}
