// Package mcpstub is a test evidence provider that speaks the external
// provider protocol (spec §8) over stdio or HTTP, in the Decision Gate SDK
// dialect (dg_evidence_v1) or standard MCP, and misbehaves on request.
//
// # Use from tests
//
//	bin := mcpstub.Build(t)                       // a real binary, built once
//	cmd := []string{bin, "-protocol", "mcp", "-mode", "hang"}
//	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: "mcp", SSE: true})
//
// Packages that call [Build] may remove the build directory at the end
// of TestMain with [Cleanup].
//
// # Behaviour
//
// The stub answers tools/list with one tool, evidence_query, and
// tools/call evidence_query with an EvidenceResult shaped like the
// template provider's (contract "template", check "value": the JSON value
// of params.value, lane verified, content type application/json, and an
// anchor of type "template" when params.anchor is set). In
// dg_evidence_v1 it refuses initialize with -32601, as the SDK templates
// do; in mcp it requires initialize first.
//
// [Config.Mode] makes every call misbehave in one way; with mode "ok" the
// check_id of each query can choose the same misbehaviour for that call
// alone. The modes and checks are listed at [Config].
package mcpstub
