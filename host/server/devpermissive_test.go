package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/server"
)

// TestDevPermissive: the mode warns on stderr, records a security_audit
// event, and is recorded in every runpack manifest.
func TestDevPermissive(t *testing.T) {
	toml := baseConfig(t.TempDir()) + "\n[dev]\npermissive = true\n"
	cfg, err := config.Parse([]byte(toml), "")
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	srv, err := server.New(context.Background(), cfg, server.Options{Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	out := stderr.String()
	for _, want := range []string{"WARNING: dev-permissive mode is ON", `"event":"security_audit"`, `"kind":"dev_permissive_enabled"`, "dev_permissive=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	r := start(t, toml)
	spec := map[string]any{"scenario_id": "dp", "namespace_id": 1, "spec_version": "1", "default_tenant_id": 1, "policies": []any{}, "schemas": []any{},
		"conditions": []any{map[string]any{"condition_id": "c", "query": map[string]any{"provider_id": "time", "check_id": "after",
			"params": map[string]any{"timestamp": 0}}, "comparator": "equals", "expected": true, "policy_tags": []any{}}},
		"stages": []any{map[string]any{"stage_id": "a", "entry_packets": []any{}, "advance_to": map[string]any{"kind": "terminal"},
			"on_timeout": "fail", "gates": []any{map[string]any{"gate_id": "g", "requirement": map[string]any{"Condition": "c"}}}}}}
	r.mustCall("scenario_define", map[string]any{"spec": spec})
	r.mustCall("scenario_start", map[string]any{"scenario_id": "dp", "run_config": map[string]any{"tenant_id": 1, "namespace_id": 1,
		"run_id": "r", "scenario_id": "dp", "dispatch_targets": []any{}, "policy_tags": []any{}}, "started_at": ts(1), "issue_entry_packets": false})
	dir := t.TempDir()
	exp := r.mustCall("runpack_export", map[string]any{"scenario_id": "dp", "tenant_id": 1, "namespace_id": 1, "run_id": "r",
		"output_dir": dir, "generated_at": ts(3), "include_verification": false})
	sec := exp["manifest"].(map[string]any)["security"].(map[string]any)
	if sec["dev_permissive"] != true || sec["namespace_authority"] != "dg_registry" {
		t.Fatalf("security block %v", sec)
	}
}
