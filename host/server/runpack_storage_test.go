package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/runpack"
	runpacks3 "github.com/decision-gate/dgw/host/runpack/s3"
	"github.com/decision-gate/dgw/host/server"
)

// TestRunpackExportToObjectStore: with [runpack_storage], runpack_export
// writes the pack to S3 (no output_dir), returns its storage_uri, and the
// stored pack verifies when read back.
func TestRunpackExportToObjectStore(t *testing.T) {
	ctx := context.Background()
	be := s3mem.New()
	if err := be.CreateBucket("packs"); err != nil {
		t.Fatal(err)
	}
	fake := httptest.NewServer(gofakes3.New(be).Server())
	defer fake.Close()
	storage := fmt.Sprintf("\n[runpack_storage]\ntype = \"object_store\"\nprovider = \"s3\"\nbucket = \"packs\"\nregion = \"us-east-1\"\n"+
		"endpoint = %q\nprefix = \"dg\"\nforce_path_style = true\nallow_http = true\n", fake.URL)
	toml := baseConfig(t.TempDir()) + storage
	r := start(t, toml)
	spec := map[string]any{"scenario_id": "obj", "namespace_id": 1, "spec_version": "1", "default_tenant_id": 1, "policies": []any{}, "schemas": []any{},
		"conditions": []any{map[string]any{"condition_id": "c", "query": map[string]any{"provider_id": "time", "check_id": "after",
			"params": map[string]any{"timestamp": 0}}, "comparator": "equals", "expected": true, "policy_tags": []any{}}},
		"stages": []any{map[string]any{"stage_id": "a", "entry_packets": []any{}, "advance_to": map[string]any{"kind": "terminal"},
			"on_timeout": "fail", "gates": []any{map[string]any{"gate_id": "g", "requirement": map[string]any{"Condition": "c"}}}}}}
	r.mustCall("scenario_define", map[string]any{"spec": spec})
	r.mustCall("scenario_start", map[string]any{"scenario_id": "obj", "run_config": map[string]any{"tenant_id": 1, "namespace_id": 1,
		"run_id": "r1", "scenario_id": "obj", "dispatch_targets": []any{}, "policy_tags": []any{}}, "started_at": ts(1), "issue_entry_packets": false})
	exp := r.mustCall("runpack_export", map[string]any{"scenario_id": "obj", "tenant_id": 1, "namespace_id": 1, "run_id": "r1",
		"generated_at": ts(3), "include_verification": true})
	hash := exp["manifest"].(map[string]any)["spec_hash"].(map[string]any)["value"].(string)
	base := "dg/tenant/1/namespace/1/scenario/obj/run/r1/spec/sha256/" + hash + "/"
	if uri, _ := exp["storage_uri"].(string); uri != "s3://packs/"+base {
		t.Fatalf("storage_uri = %v, want s3://packs/%s", exp["storage_uri"], base)
	}
	for _, name := range []string{"manifest.json", "artifacts/decisions.json", "artifacts/verifier_report.json"} {
		obj, err := be.HeadObject("packs", base+name)
		if err != nil {
			t.Fatalf("object %s: %v", name, err)
		}
		if name == "manifest.json" && !strings.HasPrefix(obj.Metadata["Content-Type"], "application/json") {
			t.Errorf("manifest metadata %v", obj.Metadata)
		}
	}

	cfg, err := config.Parse([]byte(toml), "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := server.OpenRunpackStorage(ctx, cfg.RunpackStorage)
	if err != nil {
		t.Fatal(err)
	}
	src, err := st.Source(ctx, runpacks3.Key{TenantID: 1, NamespaceID: 1, ScenarioID: "obj", RunID: "r1", SpecHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	rep, m, err := runpack.Verify(ctx, src, "manifest.json")
	if err != nil || !rep.Passed() {
		t.Fatalf("verify stored pack: %+v, %v", rep, err)
	}
	if k := runpacks3.KeyFromManifest(m); k.RunID != "r1" || k.SpecHash != hash {
		t.Fatalf("KeyFromManifest = %+v", k)
	}
}
