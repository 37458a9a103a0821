package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/mcpstub"
	"github.com/decision-gate/dgw/host/internal/testutil"
)

// contractFor writes the template provider contract under name into dir
// and returns its path (a contract's provider_id must equal the name).
func contractFor(t testing.TB, dir, name string) string {
	t.Helper()
	doc := strings.Replace(string(testutil.ReadFile(t, testutil.Conformance(t, "provider-contracts", "template_provider.json"))),
		`"provider_id": "template"`, fmt.Sprintf("%q: %q", "provider_id", name), 1)
	path := filepath.Join(dir, name+".json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// stdioProvider is a [[providers]] entry for the stdio stub.
func stdioProvider(t testing.TB, dir, name, protocol, mode, extra string) string {
	return fmt.Sprintf(`
[[providers]]
name = %q
type = "mcp"
protocol = %q
command = [%q, "-protocol", %q, "-mode", %q]
capabilities_path = %q
timeouts = { connect_timeout_ms = 500, request_timeout_ms = 800 }
%s
`, name, protocol, mcpstub.Build(t), protocol, mode, contractFor(t, dir, name), extra)
}

// httpProvider is a [[providers]] entry for an HTTP stub at url.
func httpProvider(t testing.TB, dir, name, protocol, url, extra string) string {
	return fmt.Sprintf(`
[[providers]]
name = %q
type = "mcp"
protocol = %q
url = %q
allow_insecure_http = true
capabilities_path = %q
timeouts = { connect_timeout_ms = 500, request_timeout_ms = 800 }
%s
`, name, protocol, url, contractFor(t, dir, name), extra)
}

// valueSpec gates on provider.value(params.value = "ok") == "ok".
func valueSpec(id, provider string) map[string]any {
	return gateSpec(id, provider, "value", map[string]any{"value": "ok"}, "ok", 1)
}

// TestExternalProviderFailureSuite drives real stub provider processes and
// HTTP servers on loopback through scenario runs. Every failure is the
// documented code with status Unknown (the run holds), and the healthy
// providers configured beside the failing ones keep answering.
func TestExternalProviderFailureSuite(t *testing.T) {
	dir := t.TempDir()
	seed, pub := mcpstub.GenerateKey(t)
	otherSeed, _ := mcpstub.GenerateKey(t)
	httpOK := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: mcpstub.ProtocolDGEvidence})
	httpMCP := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: mcpstub.ProtocolMCP})
	redirect := mcpstub.NewHTTP(t, mcpstub.Config{Mode: "redirect:http://169.254.169.254/latest/meta-data/"})
	trust := fmt.Sprintf(`trust = { require_signature = { keys = [%q] } }`, pub)

	var providers strings.Builder
	providers.WriteString(stdioProvider(t, dir, "ok_stdio", "dg_evidence_v1", "ok", ""))
	providers.WriteString(stdioProvider(t, dir, "ok_stdio_mcp", "mcp", "ok", ""))
	providers.WriteString(httpProvider(t, dir, "ok_http", "dg_evidence_v1", httpOK.URL+"/rpc", ""))
	providers.WriteString(httpProvider(t, dir, "ok_http_mcp", "mcp", httpMCP.URL+"/mcp", ""))
	providers.WriteString(stdioProvider(t, dir, "malformed", "dg_evidence_v1", "malformed", ""))
	providers.WriteString(stdioProvider(t, dir, "text", "dg_evidence_v1", "text", ""))
	providers.WriteString(stdioProvider(t, dir, "empty", "dg_evidence_v1", "empty", ""))
	providers.WriteString(stdioProvider(t, dir, "rpc_error", "dg_evidence_v1", "rpc_error", ""))
	providers.WriteString(stdioProvider(t, dir, "flaky", "dg_evidence_v1", "flaky:2", ""))
	providers.WriteString(stdioProvider(t, dir, "hung", "dg_evidence_v1", "hang", ""))
	providers.WriteString(stdioProvider(t, dir, "oversize", "dg_evidence_v1", "oversize", ""))
	providers.WriteString(stdioProvider(t, dir, "unsigned", "dg_evidence_v1", "ok", trust))
	providers.WriteString(stdioProvider(t, dir, "signed", "dg_evidence_v1", "sign:"+seed, trust))
	providers.WriteString(stdioProvider(t, dir, "wrong_key", "dg_evidence_v1", "sign:"+otherSeed, trust))
	providers.WriteString(stdioProvider(t, dir, "bad_sig", "dg_evidence_v1", "badsig", trust))
	providers.WriteString(stdioProvider(t, dir, "hash_mismatch", "dg_evidence_v1", "hashmismatch", trust))
	providers.WriteString(httpProvider(t, dir, "redirect", "dg_evidence_v1", redirect.URL+"/rpc", ""))
	providers.WriteString(httpProvider(t, dir, "private_ip", "dg_evidence_v1", strings.Replace(httpOK.URL, "127.0.0.1", "127.0.0.2", 1)+"/rpc", ""))
	providers.WriteString(stdioProvider(t, dir, "needs_env", "dg_evidence_v1", "ok", `required_env = ["DG_TEST_UNSET_VARIABLE"]`))

	cfg := baseConfig(t.TempDir()) + `
[external_mcp]
preflight_on_start = false
private_cidr_allowlist = ["127.0.0.1/32"]
` + providers.String()
	// The badsig and hashmismatch modes sign with the stub's key flag.
	cfg = strings.ReplaceAll(cfg, `"-mode", "badsig"]`, `"-mode", "badsig", "-sign-key", "`+seed+`", "-key-id", "`+pub+`"]`)
	cfg = strings.ReplaceAll(cfg, `"-mode", "hashmismatch"]`, `"-mode", "hashmismatch", "-sign-key", "`+seed+`", "-key-id", "`+pub+`"]`)
	cfg = strings.ReplaceAll(cfg, `"-mode", "sign:`+seed+`"]`, `"-mode", "ok", "-sign-key", "`+seed+`", "-key-id", "`+pub+`"]`)
	cfg = strings.ReplaceAll(cfg, `"-mode", "sign:`+otherSeed+`"]`, `"-mode", "ok", "-sign-key", "`+otherSeed+`"]`)
	r := start(t, cfg)

	cases := []struct {
		provider, status, code, message string
	}{
		{"ok_stdio", "True", "", ""},
		{"ok_stdio_mcp", "True", "", ""},
		{"ok_http", "True", "", ""},
		{"ok_http_mcp", "True", "", ""},
		{"malformed", "Unknown", "provider_error", ""},
		{"text", "Unknown", "provider_error", "unexpected text response"},
		{"empty", "Unknown", "provider_error", "empty tool result"},
		{"rpc_error", "Unknown", "provider_error", ""},
		{"flaky", "True", "", ""},                  // its first call answers,
		{"flaky", "Unknown", "provider_error", ""}, // its second fails
		{"hung", "Unknown", "timeout", ""},
		{"oversize", "Unknown", "provider_error", ""},
		{"unsigned", "Unknown", "provider_error", "missing evidence signature"},
		{"signed", "True", "", ""},
		{"wrong_key", "Unknown", "provider_error", "signature key not authorized"},
		{"bad_sig", "Unknown", "provider_error", "signature verification failed"},
		{"hash_mismatch", "Unknown", "provider_error", "evidence hash mismatch"},
		{"redirect", "Unknown", "provider_error", "302"},
		{"private_ip", "Unknown", "provider_error", "127.0.0.2"},
		{"needs_env", "Unknown", "provider_unavailable", "required_env_missing:DG_TEST_UNSET_VARIABLE"},
	}
	for i, tc := range cases {
		t.Run(tc.provider, func(t *testing.T) {
			began := time.Now()
			res, rec := r.runOnce(valueSpec(fmt.Sprintf("s-%s-%d", tc.provider, i), tc.provider), fmt.Sprintf("run-%d", i))
			kind := res["decision"].(map[string]any)["outcome"].(map[string]any)["kind"]
			if rec["status"] != tc.status || errorCode(rec) != tc.code {
				t.Fatalf("evidence %v", rec)
			}
			if tc.status == "True" && kind != "complete" || tc.status != "True" && kind != "hold" {
				t.Fatalf("decision %v", res)
			}
			if tc.message != "" {
				msg := rec["result"].(map[string]any)["error"].(map[string]any)["message"].(string)
				if !strings.Contains(msg, tc.message) {
					t.Fatalf("message %q, want it to contain %q", msg, tc.message)
				}
			}
			if tc.provider == "hung" && time.Since(began) > 5*time.Second {
				t.Fatalf("a hung backend took %v (request_timeout_ms = 800)", time.Since(began))
			}
		})
	}
	// Nothing else is affected: after every failure the healthy providers
	// still answer, and the hung one is answered by a fresh child.
	for _, p := range []string{"ok_stdio", "ok_http", "ok_http_mcp", "signed"} {
		if _, rec := r.runOnce(valueSpec("again-"+p, p), "again-"+p); rec["status"] != "True" {
			t.Fatalf("%s after the failures: %v", p, rec)
		}
	}
	// A tenant the default namespace does not admit never reaches a
	// provider.
	before := httpOK.Requests()
	_, errObj := r.call("evidence_query", map[string]any{"query": map[string]any{"provider_id": "ok_http", "check_id": "value",
		"params": map[string]any{"value": "ok"}}, "context": map[string]any{"tenant_id": 2, "namespace_id": 1, "run_id": "r",
		"scenario_id": "s", "stage_id": "a", "trigger_id": "t", "trigger_time": ts(1), "correlation_id": nil}})
	if errObj == nil || httpOK.Requests() != before {
		t.Fatalf("namespace not admitted: err %v, %d requests reached the provider", errObj, httpOK.Requests()-before)
	}
}

// TestExternalProviderBreaker: a backend that fails opens its breaker
// after failure_threshold calls; while open, conditions are Unknown with
// circuit_open and no request reaches the backend; after open_ms a probe
// closes it again once the backend is back.
func TestExternalProviderBreaker(t *testing.T) {
	stub := mcpstub.NewHTTP(t, mcpstub.Config{})
	var down atomic.Bool
	var hits atomic.Int64
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		hits.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		stub.ServeHTTP(w, req)
	}))
	t.Cleanup(front.Close)
	dir := t.TempDir()
	r := start(t, baseConfig(t.TempDir())+`
[external_mcp]
preflight_on_start = false
private_cidr_allowlist = ["127.0.0.1/32"]
`+httpProvider(t, dir, "flappy", "dg_evidence_v1", front.URL+"/rpc", `circuit_breaker = { failure_threshold = 2, open_ms = 1000, half_open_max = 1 }`))

	r.defineAndStart(valueSpec("breaker", "flappy"), "b1")
	trigger := func(n int) map[string]any {
		_, rec := r.triggerOnce("breaker", "b1", fmt.Sprintf("t%d", n))
		return rec
	}
	down.Store(true)
	for i := 1; i <= 2; i++ {
		if rec := trigger(i); errorCode(rec) != "provider_error" {
			t.Fatalf("failure %d: %v", i, rec)
		}
	}
	h := hits.Load()
	rec := trigger(3)
	if errorCode(rec) != "circuit_open" || rec["status"] != "Unknown" || hits.Load() != h {
		t.Fatalf("open breaker: %v (%d requests)", rec, hits.Load()-h)
	}
	down.Store(false)
	time.Sleep(1100 * time.Millisecond)
	if rec := trigger(4); rec["status"] != "True" {
		t.Fatalf("half-open probe after recovery: %v", rec)
	}
	if h, _ := r.srv.Broker().Health("flappy"); h.Breaker != "closed" {
		t.Fatalf("breaker %s after a successful probe", h.Breaker)
	}
}

// TestExternalProviderStartRefusals: a contract that does not match its
// pin or its provider, or an egress allowlist that does not admit the URL,
// stops start-up with the key that names it.
func TestExternalProviderStartRefusals(t *testing.T) {
	dir := t.TempDir()
	base := baseConfig(t.TempDir()) + "\n[external_mcp]\npreflight_on_start = false\n"
	cases := []struct{ name, entry, want string }{
		{"contract pin", httpProvider(t, dir, "pinned", "dg_evidence_v1", "http://127.0.0.1:9/rpc",
			`contract_sha256 = "`+strings.Repeat("0", 64)+`"`), "contract_sha256"},
		{"contract of another provider", strings.Replace(httpProvider(t, dir, "mine", "dg_evidence_v1", "http://127.0.0.1:9/rpc", ""),
			`name = "mine"`, `name = "theirs"`, 1), "provider_id"},
		{"egress allowlist", httpProvider(t, dir, "egress", "dg_evidence_v1", "http://127.0.0.1:9/rpc",
			`egress_allowlist = ["evidence.example.com"]`), "egress_allowlist: does not allow the url's host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(t, base+tc.entry)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "providers[4]") {
				t.Fatalf("err = %v, want it to name providers[4] and %q", err, tc.want)
			}
		})
	}
}

// TestSharedEgressRules: the Wasm http provider obeys the same private
// range exceptions as MCP-over-HTTP ([external_mcp] private_cidr_allowlist).
func TestSharedEgressRules(t *testing.T) {
	srv := httpFixture(t)
	noPrivate := strings.Replace(baseConfig(t.TempDir()), "allow_private_networks = true", "allow_private_networks = false", 1)
	q := map[string]any{"query": map[string]any{"provider_id": "http", "check_id": "status", "params": map[string]any{"url": srv + "/ok"}},
		"context": map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "r", "scenario_id": "s", "stage_id": "a",
			"trigger_id": "t", "trigger_time": ts(1), "correlation_id": nil}}
	for _, tc := range []struct {
		name, extra string
		allowed     bool
	}{
		{"loopback refused", "", false},
		{"loopback inside private_cidr_allowlist", "\n[external_mcp]\nprivate_cidr_allowlist = [\"127.0.0.0/8\"]\n", true},
		{"other range in private_cidr_allowlist", "\n[external_mcp]\nprivate_cidr_allowlist = [\"10.0.0.0/8\"]\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := start(t, noPrivate+tc.extra)
			res := r.mustCall("evidence_query", q)["result"].(map[string]any)
			if got := res["error"] == nil; got != tc.allowed {
				t.Fatalf("result %v, want allowed=%v", res, tc.allowed)
			}
		})
	}
}

// TestHardenedStrictStartup: the hardened preset in strict mode with a
// pinned stdio backend. A non-optional backend that fails its preflight
// stops start-up naming the step; an optional one lets the server start
// and its conditions are Unknown with provider_unavailable (broker design
// §4.9 item 7).
func TestHardenedStrictStartup(t *testing.T) {
	dir := t.TempDir()
	stub := mcpstub.Build(t)
	contract := contractFor(t, dir, "deploys")
	preset := string(testutil.ReadFile(t, testutil.Conformance(t, "configs", "presets", "hardened.toml")))
	stubSum, contractSum := sha256File(t, stub), sha256File(t, contract)
	t.Chdir(dir) // the preset's stores and json root are relative
	os.Mkdir(filepath.Join(dir, "evidence"), 0o755)
	cfg := func(optional bool) string {
		return preset + fmt.Sprintf(`
[wasm]
cache_dir = %q
[external_mcp]
strict = true
[provider_policy]
version = "2026-11-22.1"
[[provider_policy.rules]]
effect = "allow"
providers = ["deploys"]
checks = ["value"]
[[providers]]
name = "deploys"
type = "mcp"
protocol = "mcp"
command = [%q, "-protocol", "dg_evidence_v1"]
command_sha256 = %q
capabilities_path = %q
contract_sha256 = %q
allow_unenforced_egress = true
optional = %v
`, cacheDir, stub, stubSum, contract, contractSum, optional)
	}
	// The backend speaks only the SDK framing, so the mcp handshake fails.
	_, err := build(t, cfg(false))
	if err == nil || !strings.Contains(err.Error(), "deploys") || !strings.Contains(err.Error(), "handshake") {
		t.Fatalf("strict start with a failing non-optional backend: %v", err)
	}
	srv, err := build(t, cfg(true))
	if err != nil {
		t.Fatalf("strict start with a failing optional backend: %v", err)
	}
	if h, _ := srv.Broker().Health("deploys"); h.Admitted {
		t.Fatal("a backend whose preflight failed is admitted")
	}
	_, err = srv.Providers().Query(context.Background(), evidence.Query{ProviderID: "deploys", CheckID: "value",
		Params: json.RawMessage(`{"value":"ok"}`)}, evidence.Context{TenantID: 1, NamespaceID: 2})
	if evidence.ErrorCode(err) != "provider_unavailable" {
		t.Fatalf("query of an unadmitted backend: %v", err)
	}
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	sum := sha256.Sum256(testutil.ReadFile(t, path))
	return hex.EncodeToString(sum[:])
}
