package mcp_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/decision-gate/dgw/host/mcp"
)

// FuzzHandle feeds arbitrary request bodies to the JSON-RPC handler: it
// must never panic, and must always answer one JSON-RPC 2.0 object with
// either a result or an error.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"providers_list","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"scenario_define","arguments":{"spec":{"scenario_id":"s","namespace_id":1,"spec_version":"1","stages":[],"conditions":[],"policies":[],"schemas":[]}}}}`,
		`{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"decision-gate://docs/security"}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"evidence_query","arguments":{"query":{"provider_id":"time","check_id":"now"},"context":{}}}}`,
		`[]`, `{}`, `null`, `{"jsonrpc":"2.0","id":[1,{"a":2}],"method":"x"}`,
	} {
		f.Add([]byte(s))
	}
	e := newEnv(f, setup{})
	f.Fuzz(func(t *testing.T, body []byte) {
		info := &mcp.RequestInfo{Transport: "stdio"}
		resp, out := e.handler.Handle(context.Background(), info, body)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(resp, &m); err != nil {
			t.Fatalf("response is not a JSON object: %s", resp)
		}
		_, hasResult := m["result"]
		_, hasError := m["error"]
		if string(m["jsonrpc"]) != `"2.0"` || hasResult == hasError || (out.Err != nil) != hasError {
			t.Fatalf("malformed response: %s", resp)
		}
	})
}
