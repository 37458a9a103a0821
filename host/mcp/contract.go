package mcp

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed contract/tooling.json contract/scenario.schema.json contract/config.schema.json
var contractFS embed.FS

// ToolContract is one entry of the tooling contract.
type ToolContract struct {
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	InputSchema  json.RawMessage `json:"input_schema"`
	OutputSchema json.RawMessage `json:"output_schema"`
}

// Contracts returns the 18 tool contracts in canonical order.
func Contracts() []ToolContract {
	data, err := contractFS.ReadFile("contract/tooling.json")
	if err != nil {
		panic(fmt.Sprintf("mcp: embedded tooling contract: %v", err))
	}
	var out []ToolContract
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("mcp: embedded tooling contract: %v", err))
	}
	return out
}

// SchemaDocument returns an embedded schema by file name
// ("scenario.schema.json" or "config.schema.json").
func SchemaDocument(name string) ([]byte, error) {
	return contractFS.ReadFile("contract/" + name)
}

// ToolNames lists the tool names in canonical order.
var ToolNames = []string{
	"scenario_define", "scenario_start", "scenario_status", "scenario_next", "scenario_submit",
	"scenario_trigger", "evidence_query", "runpack_export", "runpack_verify", "providers_list",
	"provider_contract_get", "provider_check_schema_get", "schemas_register", "schemas_list",
	"schemas_get", "scenarios_list", "precheck", "decision_gate_docs_search",
}
