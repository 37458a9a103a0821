package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/internal/mcpstub"
	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/server"
)

// cacheDir is one private compilation cache shared by every server in the
// package, so each module compiles once per test run.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dg-server-test-")
	if err != nil {
		panic(err)
	}
	os.Chmod(dir, 0o700)
	cacheDir = filepath.Join(dir, "wazero")
	code := m.Run()
	mcpstub.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// baseConfig is the system-test base: HTTP on loopback, local_only,
// principals with TenantAdmin, namespace 1 for tenant 1, the four built-ins
// with the json root at root.
func baseConfig(root string) string {
	return fmt.Sprintf(`
[server]
transport = "http"
bind = "127.0.0.1:0"
[server.auth]
mode = "local_only"
[[server.auth.principals]]
subject = "loopback"
policy_class = "prod"
[[server.auth.principals.roles]]
name = "TenantAdmin"
tenant_id = 1
namespace_id = 1
[namespace]
allow_default = true
default_tenants = [1]
[wasm]
cache_dir = %q
[[providers]]
name = "time"
type = "builtin"
[[providers]]
name = "env"
type = "builtin"
config = { denylist = ["SECRET_TOKEN"], max_key_bytes = 255, max_value_bytes = 65536, overrides = { DEPLOY_ENV = "production" } }
[[providers]]
name = "json"
type = "builtin"
config = { root = %q, root_id = "fixtures", max_bytes = 1048576, allow_yaml = true }
[[providers]]
name = "http"
type = "builtin"
config = { allow_http = true, timeout_ms = 5000, max_response_bytes = 1048576, user_agent = "decision-gate/0.1", hash_algorithm = "sha256", allow_private_networks = true }
`, cacheDir, root)
}

type running struct {
	t   testing.TB
	url string
	srv *server.Server
	id  atomic.Int64
}

// start builds and serves a server from TOML; it stops at cleanup.
func start(t testing.TB, toml string) *running {
	t.Helper()
	cfg, err := config.Parse([]byte(toml), "")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg, server.Options{Version: "test", Stderr: io.Discard})
	if err != nil {
		cancel()
		t.Fatalf("server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		srv.Close()
	})
	deadline := time.Now().Add(10 * time.Second)
	for srv.Addr() == "" {
		if time.Now().After(deadline) {
			t.Fatal("server did not start listening")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return &running{t: t, url: "http://" + srv.Addr(), srv: srv}
}

func (r *running) call(tool string, args any) (map[string]any, map[string]any) {
	r.t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": r.id.Add(1), "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	resp, err := http.Post(r.url+"/rpc", "application/json", bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		r.t.Fatal(err)
	}
	if e, ok := out["error"].(map[string]any); ok {
		return nil, e
	}
	return out["result"].(map[string]any)["content"].([]any)[0].(map[string]any)["json"].(map[string]any), nil
}

func (r *running) mustCall(tool string, args any) map[string]any {
	r.t.Helper()
	res, errObj := r.call(tool, args)
	if errObj != nil {
		r.t.Fatalf("%s: %v", tool, errObj)
	}
	return res
}

func ts(n int) map[string]any { return map[string]any{"kind": "logical", "value": n} }

// TestGoldenRunpacksWithWasmProviders drives the golden flows against a
// real server whose time provider is the embedded Wasm module; the exported
// runpacks must equal the golden ones byte for byte.
func TestGoldenRunpacksWithWasmProviders(t *testing.T) {
	r := start(t, baseConfig(t.TempDir()))
	for _, tc := range []struct {
		name, run string
		issue     bool
	}{{"golden_time_after_pass", "run-1", false}, {"golden_visibility_packet", "run-2", true}} {
		t.Run(tc.name, func(t *testing.T) {
			golden := testutil.Conformance(t, "runpacks", "golden", tc.name)
			var spec map[string]any
			json.Unmarshal(testutil.ReadFile(t, filepath.Join(golden, "artifacts", "scenario_spec.json")), &spec)
			sid := spec["scenario_id"]
			r.mustCall("scenario_define", map[string]any{"spec": spec})
			r.mustCall("scenario_start", map[string]any{"scenario_id": sid, "run_config": map[string]any{"tenant_id": 1,
				"namespace_id": 1, "run_id": tc.run, "scenario_id": sid, "dispatch_targets": []any{}, "policy_tags": []any{}},
				"started_at": ts(1), "issue_entry_packets": tc.issue})
			r.mustCall("scenario_trigger", map[string]any{"scenario_id": sid, "trigger": map[string]any{"trigger_id": "trigger-1",
				"tenant_id": 1, "namespace_id": 1, "run_id": tc.run, "kind": "external_event", "time": ts(2),
				"source_id": "system-tests", "payload": nil, "correlation_id": nil}})
			out := t.TempDir()
			r.mustCall("runpack_export", map[string]any{"scenario_id": sid, "tenant_id": 1, "namespace_id": 1, "run_id": tc.run,
				"output_dir": out, "generated_at": ts(10), "include_verification": true})
			filepath.Walk(golden, func(p string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(golden, p)
				want, got := testutil.ReadFile(t, p), testutil.ReadFile(t, filepath.Join(out, rel))
				if !bytes.Equal(want, got) {
					t.Errorf("%s differs:\nwant %s\ngot  %s", rel, want, got)
				}
				return nil
			})
		})
	}
}

// TestServedContractHashes: provider_contract_get on the Wasm built-ins
// serves the reference contracts with their published hashes.
func TestServedContractHashes(t *testing.T) {
	r := start(t, baseConfig(t.TempDir()))
	want := map[string]string{
		"time": "cbc94be944531c15eb3a8f2583bb52bf537adf959526184284ff84991fdf552a",
		"env":  "7763099d06ebb1a35c9b84c66b149aaf50c4ca98f1ffba909010438c73ff4ec1",
		"json": "37efb6cf1d3d7ba4113e65dbd0baa475259e6d62329bcf42e480ae577610298e",
		"http": "6c09487d64e2738f5e674268389b7cf5bea90118f1fa21f03c4ee9e0a3718426",
	}
	for id, hash := range want {
		res := r.mustCall("provider_contract_get", map[string]any{"provider_id": id})
		if got := res["contract_hash"].(map[string]any)["value"]; got != hash || res["source"] != "builtin" {
			t.Errorf("%s: contract_hash %v source %v, want %s builtin", id, got, res["source"], hash)
		}
	}
	var golden map[string]any
	json.Unmarshal(testutil.ReadFile(t, testutil.Conformance(t, "cli", "provider_list.json")), &golden)
	// The golden CLI fixture lists env and time; each of its entries must
	// equal ours exactly.
	got := map[string]string{}
	for _, p := range r.mustCall("providers_list", map[string]any{})["providers"].([]any) {
		b, _ := json.Marshal(p)
		got[p.(map[string]any)["provider_id"].(string)] = string(b)
	}
	for _, p := range golden["providers"].([]any) {
		want, _ := json.Marshal(p)
		if id := p.(map[string]any)["provider_id"].(string); got[id] != string(want) {
			t.Errorf("providers_list %s:\nwant %s\ngot  %s", id, want, got[id])
		}
	}
}

// TestBuiltinEvidence exercises each Wasm built-in through evidence_query.
func TestBuiltinEvidence(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "report.json"), []byte(`{"summary":{"passed":12,"failed":0}}`), 0o644)
	srvHTTP := httpFixture(t)
	r := start(t, baseConfig(root)+"\n[evidence]\nallow_raw_values = true\nrequire_provider_opt_in = false\n")
	ctx := map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "r", "scenario_id": "s", "stage_id": "a",
		"trigger_id": "t", "trigger_time": map[string]any{"kind": "unix_millis", "value": 1710000000001}, "correlation_id": nil}
	cases := []struct {
		query     map[string]any
		wantValue string
		wantErr   string
		anchor    string
	}{
		{map[string]any{"provider_id": "time", "check_id": "after", "params": map[string]any{"timestamp": 1710000000000}}, "true", "", `{"anchor_type":"trigger_time_unix_millis","anchor_value":"1710000000001"}`},
		{map[string]any{"provider_id": "time", "check_id": "before", "params": map[string]any{"timestamp": "2024-03-09T16:00:00Z"}}, "false", "", ""},
		{map[string]any{"provider_id": "env", "check_id": "get", "params": map[string]any{"key": "DEPLOY_ENV"}}, `"production"`, "", `{"anchor_type":"env","anchor_value":"DEPLOY_ENV"}`},
		{map[string]any{"provider_id": "env", "check_id": "get", "params": map[string]any{"key": "SECRET_TOKEN"}}, "", "env key blocked by policy", ""},
		{map[string]any{"provider_id": "env", "check_id": "get", "params": map[string]any{"key": "NOT_SET_ANYWHERE"}}, "", "", ""},
		{map[string]any{"provider_id": "json", "check_id": "path", "params": map[string]any{"file": "report.json", "jsonpath": "$.summary.failed"}}, "0", "", `{"anchor_type":"file_path_rooted","anchor_value":"{\"path\":\"report.json\",\"root_id\":\"fixtures\"}"}`},
		{map[string]any{"provider_id": "json", "check_id": "path", "params": map[string]any{"file": "../etc/passwd"}}, "", "", ""},
		{map[string]any{"provider_id": "http", "check_id": "status", "params": map[string]any{"url": srvHTTP + "/ok"}}, "200", "", ""},
		{map[string]any{"provider_id": "http", "check_id": "status", "params": map[string]any{"url": srvHTTP + "/redirect"}}, "302", "", ""},
	}
	for _, tc := range cases {
		name, _ := json.Marshal(tc.query)
		t.Run(string(name), func(t *testing.T) {
			res := r.mustCall("evidence_query", map[string]any{"query": tc.query, "context": ctx})["result"].(map[string]any)
			errObj, _ := res["error"].(map[string]any)
			if tc.wantErr != "" {
				if errObj == nil || !strings.Contains(errObj["message"].(string), tc.wantErr) {
					t.Fatalf("result %v", res)
				}
				return
			}
			if tc.wantValue != "" {
				v, _ := json.Marshal(res["value"].(map[string]any)["value"])
				if string(v) != tc.wantValue || res["lane"] != "verified" || res["evidence_hash"] == nil {
					t.Fatalf("result %v", res)
				}
			}
			if tc.anchor != "" {
				a, _ := json.Marshal(res["evidence_anchor"])
				if string(a) != tc.anchor {
					t.Fatalf("anchor %s, want %s", a, tc.anchor)
				}
			}
		})
	}
}

func httpFixture(t *testing.T) string {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("fine")) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.invalid/", http.StatusFound)
	})
	srv := &http.Server{Handler: mux}
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}
