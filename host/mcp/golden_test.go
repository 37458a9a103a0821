package mcp_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/decision-gate/dgw/host/internal/testutil"
)

// TestGoldenFlowsOverRPC drives define, start, trigger and export over
// HTTP /rpc and requires the exported runpack to equal the golden one byte
// for byte.
func TestGoldenFlowsOverRPC(t *testing.T) {
	cases := []struct {
		name, runID string
		issue       bool
	}{
		{"golden_time_after_pass", "run-1", false},
		{"golden_visibility_packet", "run-2", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, setup{})
			golden := testutil.Conformance(t, "runpacks", "golden", tc.name)
			spec := readJSON(t, filepath.Join(golden, "artifacts", "scenario_spec.json"))
			def := e.mustCall("scenario_define", map[string]any{"spec": spec})
			if def["scenario_id"] != spec["scenario_id"] {
				t.Fatalf("define: %v", def)
			}
			sid := spec["scenario_id"]
			st := e.mustCall("scenario_start", map[string]any{"scenario_id": sid,
				"run_config":          map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": tc.runID, "scenario_id": sid, "dispatch_targets": []any{}, "policy_tags": []any{}},
				"started_at":          map[string]any{"kind": "logical", "value": 1},
				"issue_entry_packets": tc.issue})
			if st["status"] != "active" {
				t.Fatalf("start: %v", st)
			}
			res := e.mustCall("scenario_trigger", map[string]any{"scenario_id": sid, "trigger": map[string]any{
				"trigger_id": "trigger-1", "tenant_id": 1, "namespace_id": 1, "run_id": tc.runID, "kind": "external_event",
				"time": map[string]any{"kind": "logical", "value": 2}, "source_id": "system-tests", "payload": nil, "correlation_id": nil}})
			if res["status"] != "completed" {
				t.Fatalf("trigger: %v", res)
			}
			out := t.TempDir()
			exp := e.mustCall("runpack_export", map[string]any{"scenario_id": sid, "tenant_id": 1, "namespace_id": 1,
				"run_id": tc.runID, "output_dir": out, "generated_at": map[string]any{"kind": "logical", "value": 10},
				"include_verification": true})
			if exp["report"].(map[string]any)["status"] != "pass" {
				t.Fatalf("export: %v", exp)
			}
			if _, has := exp["storage_uri"]; has {
				t.Fatal("storage_uri must be omitted for filesystem exports")
			}
			for _, f := range treeFiles(t, golden) {
				want := testutil.ReadFile(t, filepath.Join(golden, f))
				got := testutil.ReadFile(t, filepath.Join(out, f))
				if !bytes.Equal(want, got) {
					t.Errorf("%s differs:\nwant %s\ngot  %s", f, want, got)
				}
			}
			ver := e.mustCall("runpack_verify", map[string]any{"runpack_dir": out, "manifest_path": "manifest.json"})
			if ver["status"] != "pass" || ver["report"].(map[string]any)["checked_files"] != float64(8) {
				t.Fatalf("verify: %v", ver)
			}
		})
	}
}

func treeFiles(t *testing.T, root string) []string {
	var out []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	sort.Strings(out)
	if len(out) != 9 {
		t.Fatalf("golden tree has %d files", len(out))
	}
	return out
}
