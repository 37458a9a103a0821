package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONProviderRepeatedLargeFiles queries the Wasm json provider over
// and over on files of 25 KB and 300 KB: instances must be recycled before
// their memory runs out, so every query answers with the value.
func TestJSONProviderRepeatedLargeFiles(t *testing.T) {
	root := t.TempDir()
	for _, size := range []int{25 << 10, 300 << 10} {
		var b strings.Builder
		b.WriteString(`{"items":[`)
		for i := 0; b.Len() < size; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"name":"item-%d","ok":true}`, i, i)
		}
		b.WriteString(`],"summary":{"failed":0}}`)
		os.WriteFile(filepath.Join(root, fmt.Sprintf("big-%d.json", size)), []byte(b.String()), 0o644)
	}
	r := start(t, baseConfig(root))
	ctx := map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "r", "scenario_id": "s", "stage_id": "a",
		"trigger_id": "t", "trigger_time": ts(5), "correlation_id": nil}
	n := 40
	if testing.Short() {
		n = 10
	}
	for _, size := range []int{25 << 10, 300 << 10} {
		file := fmt.Sprintf("big-%d.json", size)
		for i := 0; i < n; i++ {
			res := r.mustCall("evidence_query", map[string]any{"query": map[string]any{"provider_id": "json", "check_id": "path",
				"params": map[string]any{"file": file, "jsonpath": "$.summary.failed"}}, "context": ctx})["result"].(map[string]any)
			if res["error"] != nil || res["evidence_hash"] == nil {
				t.Fatalf("%s query %d: %v", file, i, res)
			}
		}
	}
}
