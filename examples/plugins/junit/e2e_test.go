//go:build !wasip1

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/server"
	"github.com/decision-gate/dgw/host/wasm/plugincli"
	"github.com/decision-gate/dgw/sdk"
)

// The end-to-end tests do what README.md tells an author and an operator
// to do, in a temporary directory: build the module with go build, make a
// key, sign the manifest, verify and inspect it, write a config and start a
// real server (in-process, bound to 127.0.0.1:0, with a private compilation
// cache), then gate on good and bad reports over JSON-RPC.

var (
	workDir   string // removed by TestMain
	buildOnce sync.Once
	built     *artifacts
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "acme-junit-e2e-")
	if err != nil {
		panic(err)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// artifacts are the files a plugin author ships, plus the private key.
type artifacts struct {
	dir, module, manifest, signature, pub, key string
}

// plugin runs "decision-gate plugin ARGS..." in-process.
func plugin(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	if code := plugincli.PluginCommand(args, &out, &errOut); code != plugincli.ExitOK {
		return out.String(), fmt.Errorf("decision-gate plugin %s: exit %d: %s", args[0], code, errOut.String())
	}
	return out.String(), nil
}

// buildAndSign builds junit.wasm exactly as README.md does, generates a key
// pair and signs a copy of provider.json. It runs once per test binary.
func buildAndSign(t *testing.T) *artifacts {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the Wasm module and starts a server; skipped with -short")
	}
	buildOnce.Do(func() {
		a := &artifacts{dir: filepath.Join(workDir, "dist")}
		p := func(name string) string { return filepath.Join(a.dir, name) }
		a.module, a.manifest, a.signature, a.pub, a.key = p("junit.wasm"), p("provider.json"), p("provider.json.sig"), p("acme.pub"), p("acme.key")
		if buildErr = os.MkdirAll(a.dir, 0o755); buildErr != nil {
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("the go command is needed to build the module: %w", err)
			return
		}
		cmd := exec.Command(goBin, "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w -buildid=", "-o", a.module, ".")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		if _, buildErr = plugin("keygen", "--out", p("acme")); buildErr != nil {
			return
		}
		skeleton, err := os.ReadFile("provider.json")
		if err != nil {
			buildErr = err
			return
		}
		if buildErr = os.WriteFile(a.manifest, skeleton, 0o644); buildErr != nil {
			return
		}
		_, buildErr = plugin("sign", "--key", a.key, "--module", a.module, "--manifest", a.manifest)
		built = a
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

// operatorConfig is the decision-gate.toml an operator writes for the
// module: loopback HTTP, the author's key trusted for acme.*, the module
// granted fs/v1/read on reports. extra is appended to the [[providers]]
// entry.
func operatorConfig(a *artifacts, module, pub, reports, extra string) string {
	grant := fmt.Sprintf(`config = { "fs/v1/read" = { root = %q, max_bytes = 1048576 } }`, reports)
	if reports == "" {
		grant = ""
	}
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
[evidence]
allow_raw_values = true        # values are disclosed only for providers with allow_raw = true
[wasm]
cache_dir = %q
[[wasm.trusted_keys]]
path = %q
providers = ["acme.*"]
[[providers]]
name = "acme.junit"
type = "wasm"
module = %q
manifest = %q
signature = %q
allow_raw = true
# Generous: under -race on a busy machine a first query can be slow.
limits = { timeout_ms = 30000, memory_pages = 512 }
%s
%s
`, filepath.Join(workDir, "wazero-cache"), pub, module, a.manifest, a.signature, grant, extra)
}

// newServer builds a server from TOML; it returns server.New's error.
func newServer(t *testing.T, toml string) (*server.Server, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(toml), "")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return server.New(context.Background(), cfg, server.Options{Version: "e2e", Stderr: io.Discard})
}

type rpcClient struct {
	t   *testing.T
	url string
	id  atomic.Int64
}

// serve starts a server and serves it until the test ends.
func serve(t *testing.T, toml string) *rpcClient {
	t.Helper()
	srv, err := newServer(t, toml)
	if err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		srv.Close()
	})
	for deadline := time.Now().Add(10 * time.Second); srv.Addr() == ""; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("server did not start listening")
		}
	}
	return &rpcClient{t: t, url: "http://" + srv.Addr() + "/rpc"}
}

// call runs one tool over JSON-RPC and decodes its JSON result into out.
func (c *rpcClient) call(tool string, args any, out any) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id.Add(1), "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	resp, err := http.Post(c.url, "application/json", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Error *struct {
			Code    int
			Message string
		}
		Result struct {
			Content []struct{ JSON json.RawMessage }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		c.t.Fatalf("%s: %v", tool, err)
	}
	if env.Error != nil {
		c.t.Fatalf("%s: JSON-RPC error %d: %s", tool, env.Error.Code, env.Error.Message)
	}
	if len(env.Result.Content) != 1 {
		c.t.Fatalf("%s: %d content items", tool, len(env.Result.Content))
	}
	if err := json.Unmarshal(env.Result.Content[0].JSON, out); err != nil {
		c.t.Fatalf("%s: %v in %s", tool, err, env.Result.Content[0].JSON)
	}
}

func at(n int) map[string]any {
	return map[string]any{"kind": "unix_millis", "value": 1763629200000 + n}
}

// install copies fixtures into the reports directory under the names the
// scenario reads.
func install(t *testing.T, reports, junit, coverage string) {
	t.Helper()
	for dst, src := range map[string]string{"junit.xml": junit, "coverage.xml": coverage} {
		b, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(reports, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type decisionResult struct {
	Decision struct {
		Outcome struct {
			Kind    string `json:"kind"`
			Summary struct {
				UnmetGates []string `json:"unmet_gates"`
			} `json:"summary"`
		} `json:"outcome"`
	} `json:"decision"`
	Status   string `json:"status"`
	Feedback struct {
		GateEvaluations []struct {
			GateID string `json:"gate_id"`
			Status string `json:"status"`
			Trace  []struct {
				ConditionID string `json:"condition_id"`
				Status      string `json:"status"`
			} `json:"trace"`
		} `json:"gate_evaluations"`
	} `json:"feedback"`
}

func TestEndToEnd(t *testing.T) {
	a := buildAndSign(t)

	// What an operator runs before installing the module.
	out, err := plugin("verify", "--key", a.pub, "--scope", "acme.*", "--module", a.module, "--manifest", a.manifest)
	if err != nil || !strings.HasPrefix(out, "ok: acme.junit 0.1.0") {
		t.Fatalf("verify: %q, %v", out, err)
	}
	out, err = plugin("inspect", "--module", a.module, "--manifest", a.manifest, "--key", a.pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"imports need: fs/v1/read\n", "provider:     acme.junit 0.1.0", "digest:       matches the manifest",
		"signature:    valid", "check:        coverage_percent [external]"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}

	reports := filepath.Join(t.TempDir(), "reports")
	if err := os.Mkdir(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	install(t, reports, "junit-pass.xml", "cobertura-pass.xml")
	rpc := serve(t, operatorConfig(a, a.module, a.pub, reports, ""))

	// The served contract is the module's self-description with transport mcp.
	var contract struct {
		Contract json.RawMessage `json:"contract"`
	}
	rpc.call("provider_contract_get", map[string]any{"provider_id": "acme.junit"}, &contract)
	want, err := sdk.ContractJSON("mcp")
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, contract.Contract, want) {
		t.Errorf("served contract %s\nwant %s", contract.Contract, want)
	}
	var list struct {
		Providers []struct {
			ProviderID string   `json:"provider_id"`
			Transport  string   `json:"transport"`
			Checks     []string `json:"checks"`
		} `json:"providers"`
	}
	rpc.call("providers_list", map[string]any{}, &list)
	if len(list.Providers) != 1 || list.Providers[0].Transport != "mcp" ||
		!slices.Equal(list.Providers[0].Checks, []string{"all_passed", "coverage_percent", "tests_failed", "tests_passed", "tests_skipped", "tests_total"}) {
		t.Errorf("providers_list = %+v", list)
	}

	spec, err := os.ReadFile("scenario.json")
	if err != nil {
		t.Fatal(err)
	}
	var defined struct {
		ScenarioID string `json:"scenario_id"`
	}
	rpc.call("scenario_define", map[string]any{"spec": json.RawMessage(spec)}, &defined)
	start := func(runID string) {
		var state map[string]any
		rpc.call("scenario_start", map[string]any{"scenario_id": defined.ScenarioID,
			"run_config": map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": runID, "scenario_id": defined.ScenarioID,
				"dispatch_targets": []any{}, "policy_tags": []any{}},
			"started_at": at(0), "issue_entry_packets": false}, &state)
	}

	// A green build: one CI trigger completes the run.
	start("run-pass")
	var d decisionResult
	rpc.call("scenario_trigger", map[string]any{"scenario_id": defined.ScenarioID, "trigger": map[string]any{
		"trigger_id": "ci-1", "tenant_id": 1, "namespace_id": 1, "run_id": "run-pass", "kind": "external_event",
		"time": at(1000), "source_id": "ci", "payload": nil, "correlation_id": nil}}, &d)
	if d.Decision.Outcome.Kind != "complete" || d.Status != "completed" {
		t.Fatalf("passing reports: outcome %q, status %q", d.Decision.Outcome.Kind, d.Status)
	}

	// Three failed tests and 61% coverage: the gate holds on both gates,
	// and the trace says which conditions failed.
	install(t, reports, "junit-fail.xml", "cobertura-low.xml")
	start("run-fail")
	d = decisionResult{}
	rpc.call("scenario_next", map[string]any{"scenario_id": defined.ScenarioID, "feedback": "trace", "request": map[string]any{
		"run_id": "run-fail", "tenant_id": 1, "namespace_id": 1, "trigger_id": "agent-1", "agent_id": "release-bot",
		"time": at(2000), "correlation_id": nil}}, &d)
	if d.Decision.Outcome.Kind != "hold" || d.Status != "active" || !slices.Equal(d.Decision.Outcome.Summary.UnmetGates, []string{"tests", "coverage"}) {
		t.Fatalf("failing reports: outcome %+v, status %q", d.Decision.Outcome, d.Status)
	}
	statuses := map[string]string{}
	for _, g := range d.Feedback.GateEvaluations {
		for _, c := range g.Trace {
			statuses[c.ConditionID] = c.Status
		}
	}
	if !reflect.DeepEqual(statuses, map[string]string{"all_tests_passed": "False", "enough_tests": "True", "line_coverage": "False"}) {
		t.Errorf("condition statuses %v", statuses)
	}

	// The same reports through evidence_query: values (allow_raw opt-in),
	// anchors, and in-band errors for a missing file.
	ctx := map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "run-fail", "scenario_id": defined.ScenarioID,
		"stage_id": "release-checks", "trigger_id": "q", "trigger_time": at(3000), "correlation_id": nil}
	for _, tc := range []struct {
		check, params, value, errCode string
	}{
		{"tests_failed", `{"file":"junit.xml"}`, "3", ""},
		{"tests_passed", `{"file":"junit.xml"}`, "8", ""},
		{"coverage_percent", `{"file":"coverage.xml","format":"cobertura"}`, "61.23", ""},
		{"all_passed", `{"file":"missing.xml"}`, "", "file_not_found"},
		{"all_passed", `{"file":"../reports/../../etc/passwd"}`, "", "path_outside_root"},
	} {
		var res struct {
			Result struct {
				Value *struct {
					Value json.RawMessage `json:"value"`
				} `json:"value"`
				Error *struct {
					Code string `json:"code"`
				} `json:"error"`
				Anchor *struct {
					Type  string `json:"anchor_type"`
					Value string `json:"anchor_value"`
				} `json:"evidence_anchor"`
			} `json:"result"`
		}
		rpc.call("evidence_query", map[string]any{"query": map[string]any{"provider_id": "acme.junit", "check_id": tc.check,
			"params": json.RawMessage(tc.params)}, "context": ctx}, &res)
		r := res.Result
		switch {
		case tc.errCode != "":
			if r.Error == nil || r.Error.Code != tc.errCode || r.Value != nil {
				t.Errorf("%s %s: %+v, want error %s", tc.check, tc.params, r, tc.errCode)
			}
		case r.Error != nil || r.Value == nil || string(r.Value.Value) != tc.value:
			t.Errorf("%s %s: value %+v error %+v, want %s", tc.check, tc.params, r.Value, r.Error, tc.value)
		case r.Anchor == nil || r.Anchor.Type != "file_path_rooted" || !strings.Contains(r.Anchor.Value, `"root_id":"acme.junit"`):
			t.Errorf("%s: anchor %+v", tc.check, r.Anchor)
		}
	}
}

// TestServerRefuses: the server does not start when the module, its
// manifest, the signer or the grant is not what the operator approved, and
// the error says which.
func TestServerRefuses(t *testing.T) {
	a := buildAndSign(t)
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	if err := os.Mkdir(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(a.module)
	if err != nil {
		t.Fatal(err)
	}
	// Same size, one byte changed in the middle of the code.
	tampered := filepath.Join(dir, "junit.wasm")
	bad := bytes.Clone(mod)
	bad[len(bad)/2] ^= 0x01
	if err := os.WriteFile(tampered, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := plugin("keygen", "--out", filepath.Join(dir, "mallory")); err != nil {
		t.Fatal(err)
	}
	// A manifest widened after signing, next to the original signature.
	man, err := os.ReadFile(a.manifest)
	if err != nil {
		t.Fatal(err)
	}
	widened := bytes.Replace(man, []byte(`"fs/v1/read": {}`), []byte(`"fs/v1/read": {}, "env/v1/get": {"keys": ["*"]}`), 1)
	if bytes.Equal(widened, man) {
		t.Fatal("manifest layout changed; update the test")
	}
	widenedArt := *a
	widenedArt.manifest, widenedArt.signature = filepath.Join(dir, "provider.json"), filepath.Join(dir, "provider.json.sig")
	sig, _ := os.ReadFile(a.signature)
	os.WriteFile(widenedArt.manifest, widened, 0o644)
	os.WriteFile(widenedArt.signature, sig, 0o644)

	cases := []struct {
		name string
		toml string
		want []string
	}{
		{"tampered module", operatorConfig(a, tampered, a.pub, reports, ""),
			[]string{"acme.junit", tampered, "modified after signing"}},
		{"untrusted signer", operatorConfig(a, a.module, filepath.Join(dir, "mallory.pub"), reports, ""),
			[]string{"acme.junit", "untrusted key"}},
		{"manifest widened after signing", operatorConfig(&widenedArt, a.module, a.pub, reports, ""),
			[]string{"acme.junit", "manifest modified after signing"}},
		{"fs/v1/read not granted", operatorConfig(a, a.module, a.pub, "", ""),
			[]string{"acme.junit", "fs/v1/read", "did not grant"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := newServer(t, tc.toml)
			if err == nil {
				srv.Close()
				t.Fatal("server started")
			}
			t.Logf("refused: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestReadmeConfigValidates: the decision-gate.toml README.md uses is a
// valid configuration (its files exist only after the README's steps).
func TestReadmeConfigValidates(t *testing.T) {
	b, err := os.ReadFile("decision-gate.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(b, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Providers) != 1 || cfg.Providers[0].Name != "acme.junit" || cfg.Providers[0].Type != config.ProviderWasm {
		t.Fatalf("providers %+v", cfg.Providers)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}
