package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/internal/assetcorestub"
)

// assetcoreConfig serves the embedded AssetCore module as assetcore_read
// against base (token auth), with the reference's anchor policy and the
// AssetCore namespace authority.
func assetcoreConfig(t *testing.T, base, token string) string {
	return baseConfig(t.TempDir()) + fmt.Sprintf(`
[namespace.authority]
mode = "assetcore_http"
[namespace.authority.assetcore]
base_url = %[1]q
auth_token = %[2]q

[[anchors.providers]]
provider_id = "assetcore_read"
anchor_type = "assetcore.anchor_set"
required_fields = ["assetcore.namespace_id", "assetcore.commit_id", "assetcore.world_seq"]

[[providers]]
name = "assetcore_read"
type = "builtin"
config = { base_url = %[1]q, namespace_id = "1", auth_token = %[2]q }
`, base, token)
}

// interopRun drives the reference AssetCore interop scenario (22
// conditions, one per check) through a server and returns the trigger
// result and the exported runpack directory.
func interopRun(t *testing.T, r *running) (map[string]any, string) {
	t.Helper()
	var spec, runCfg, trigger map[string]any
	json.Unmarshal(assetcorestub.ReadFixture(t, "interop", "scenarios", "assetcore-interop-full.json"), &spec)
	json.Unmarshal(assetcorestub.ReadFixture(t, "interop", "run-configs", "assetcore-interop-full.json"), &runCfg)
	json.Unmarshal(assetcorestub.ReadFixture(t, "interop", "triggers", "assetcore-interop-full.json"), &trigger)
	sid := spec["scenario_id"]
	r.mustCall("scenario_define", map[string]any{"spec": spec})
	r.mustCall("scenario_start", map[string]any{"scenario_id": sid, "run_config": runCfg, "started_at": trigger["time"], "issue_entry_packets": false})
	res := r.mustCall("scenario_trigger", map[string]any{"scenario_id": sid, "trigger": trigger})
	out := t.TempDir()
	r.mustCall("runpack_export", map[string]any{"scenario_id": sid, "tenant_id": runCfg["tenant_id"], "namespace_id": runCfg["namespace_id"],
		"run_id": runCfg["run_id"], "output_dir": out, "generated_at": map[string]any{"kind": "unix_millis", "value": 1710000000000},
		"include_verification": true})
	return res, out
}

// TestAssetCoreInterop: every interop fixture passes through the signed
// AssetCore Wasm module against a loopback AssetCore, each result anchored
// as the anchor policy requires; two fresh servers over identical
// fixtures export byte-identical runpacks.
func TestAssetCoreInterop(t *testing.T) {
	// One address (evidence_ref holds the URL fetched), a freshly seeded
	// AssetCore behind it for each run.
	var current atomic.Pointer[assetcorestub.Server]
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { current.Load().ServeHTTP(w, req) }))
	t.Cleanup(front.Close)
	var packs []string
	for range 2 {
		current.Store(assetcorestub.Seeded(t, &assetcorestub.Options{Token: "interop-token"}))
		r := start(t, assetcoreConfig(t, front.URL, "interop-token"))
		res, pack := interopRun(t, r)
		if kind := res["decision"].(map[string]any)["outcome"].(map[string]any)["kind"]; kind != "complete" {
			var evals []map[string]any
			json.Unmarshal(readFile(t, filepath.Join(pack, "artifacts", "gate_evals.json")), &evals)
			t.Fatalf("decision %v; evaluations %v", res["decision"], evals)
		}
		evals := string(readFile(t, filepath.Join(pack, "artifacts", "gate_evals.json")))
		if n := strings.Count(evals, `"anchor_type":"assetcore.anchor_set"`); n != 22 {
			t.Fatalf("%d anchored results, want 22", n)
		}
		if !strings.Contains(string(readFile(t, filepath.Join(pack, "manifest.json"))), `"namespace_authority":"assetcore_catalog"`) {
			t.Fatal("the runpack manifest does not name the AssetCore namespace authority")
		}
		packs = append(packs, pack)
	}
	filepath.Walk(packs[0], func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(packs[0], p)
		if !bytes.Equal(readFile(t, p), readFile(t, filepath.Join(packs[1], rel))) {
			t.Errorf("%s differs between two runs over identical fixtures", rel)
		}
		return nil
	})
}

// TestAssetCoreFailures: a wrong token or an unavailable AssetCore holds
// the gates (Unknown, never true), and the namespace authority refuses a
// namespace AssetCore does not know.
func TestAssetCoreFailures(t *testing.T) {
	stub := assetcorestub.Seeded(t, &assetcorestub.Options{Token: "right"})
	base := stub.Start(t)
	r := start(t, strings.Replace(assetcoreConfig(t, base, "right"), `namespace_id = "1", auth_token = "right"`, `namespace_id = "1", auth_token = "wrong"`, 1))
	res, rec := r.runOnce(gateSpec("unauth", "assetcore_read", "container_kind", map[string]any{"container_id": "vault-001"}, "balance", 1), "u1")
	if res["decision"].(map[string]any)["outcome"].(map[string]any)["kind"] != "hold" || rec["status"] != "Unknown" || errorCode(rec) != "unauthorized" {
		t.Fatalf("wrong token: %v %v", res, rec)
	}
	stub.SetFault(assetcorestub.Fault{Status: 503})
	ctx := map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "r", "scenario_id": "s", "stage_id": "a",
		"trigger_id": "t", "trigger_time": ts(1), "correlation_id": nil}
	_, errObj := r.call("evidence_query", map[string]any{"query": map[string]any{"provider_id": "assetcore_read", "check_id": "container_kind",
		"params": map[string]any{"container_id": "vault-001"}}, "context": ctx})
	if errObj == nil || errObj["code"].(float64) != -32003 {
		t.Fatalf("an unavailable namespace authority must refuse: %v", errObj)
	}
	stub.SetFault(assetcorestub.Fault{})
	ctx["namespace_id"] = 42
	_, errObj = r.call("evidence_query", map[string]any{"query": map[string]any{"provider_id": "assetcore_read", "check_id": "container_kind",
		"params": map[string]any{"container_id": "vault-001"}}, "context": ctx})
	if errObj == nil || errObj["code"].(float64) != -32003 {
		t.Fatalf("a namespace AssetCore does not know must be refused: %v", errObj)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
