package jsonstrict

import (
	"bytes"
	"encoding/json"
	"testing"
)

var benchDoc = []byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"scenario_next","arguments":{"scenario_id":"bench","feedback":"summary","request":{"run_id":"run-1","tenant_id":1,"namespace_id":1,"trigger_id":"t-1","agent_id":"bench","time":{"kind":"logical","value":2},"correlation_id":null}}}}`)

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchDoc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDecodeTree(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(benchDoc))
		dec.UseNumber()
		var tree any
		if err := dec.Decode(&tree); err != nil {
			b.Fatal(err)
		}
	}
}
