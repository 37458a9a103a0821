package pgstore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/internal/pgtest"
	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/scenario"
)

// serveConfig is a loopback HTTP server whose run state and schema registry
// live in the database named by $DG_SERVE_TEST_DSN, with the time built-in.
func serveConfig(cacheDir string) string {
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
[run_state_store]
type = "postgres"
dsn_env = "DG_SERVE_TEST_DSN"
max_conns = 4
[schema_registry]
type = "postgres"
dsn_env = "DG_SERVE_TEST_DSN"
max_conns = 2
[[providers]]
name = "time"
type = "builtin"
`, cacheDir)
}

// serveSpec has two stages gated on the time built-in ("after the epoch",
// always true), so the first trigger advances the run.
func serveSpec() map[string]any {
	stage := func(id string) map[string]any {
		return map[string]any{"stage_id": id, "entry_packets": []any{}, "advance_to": map[string]any{"kind": "linear"},
			"on_timeout": "fail", "gates": []any{map[string]any{"gate_id": "g-" + id,
				"requirement": map[string]any{"Condition": "after"}}}}
	}
	return map[string]any{"scenario_id": "replicated", "namespace_id": 1, "spec_version": "1", "default_tenant_id": 1,
		"policies": []any{}, "schemas": []any{},
		"conditions": []any{map[string]any{"condition_id": "after",
			"query":      map[string]any{"provider_id": "time", "check_id": "after", "params": map[string]any{"timestamp": 0}},
			"comparator": "equals", "expected": true, "policy_tags": []any{}}},
		"stages": []any{stage("one"), stage("two")},
	}
}

// process is one running `decision-gate serve`.
type process struct {
	url string
	id  atomic.Int64
}

var servingAddr = regexp.MustCompile(`msg=serving .*addr=(127\.0\.0\.1:[0-9]+)`)

// buildServer compiles cmd/decision-gate into a temporary directory.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "decision-gate")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/decision-gate")
	cmd.Dir = testutil.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serve starts the binary with config and waits until it listens; it is
// stopped (SIGTERM, then killed) when the test ends.
func serve(t *testing.T, bin, config, dsn string) *process {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "decision-gate.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--config", path)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DG_SERVE_TEST_DSN="+dsn)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu sync.Mutex
	var log bytes.Buffer
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			logMu.Lock()
			t.Logf("server log:\n%s", log.String())
			logMu.Unlock()
		}
	})
	select {
	case a := <-addr:
		return &process{url: "http://" + a}
	case err := <-exited:
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("server exited: %v\n%s", err, log.String())
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start listening within 60s")
	}
	return nil
}

// call runs one tool over /rpc and returns its JSON result, or the
// JSON-RPC error object.
func (p *process) call(t *testing.T, tool string, args any) (map[string]any, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": p.id.Add(1), "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	resp, err := http.Post(p.url+"/rpc", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return nil, map[string]any{"message": err.Error()}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out struct {
		Result *struct {
			Content []struct {
				JSON map[string]any `json:"json"`
			} `json:"content"`
		} `json:"result"`
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Errorf("%s: %v: %s", tool, err, data)
		return nil, map[string]any{"message": err.Error()}
	}
	if out.Error != nil {
		return nil, out.Error
	}
	if out.Result == nil || len(out.Result.Content) == 0 {
		t.Errorf("%s: no result: %s", tool, data)
		return nil, map[string]any{"message": "no result"}
	}
	return out.Result.Content[0].JSON, nil
}

func (p *process) mustCall(t *testing.T, tool string, args any) map[string]any {
	t.Helper()
	res, errObj := p.call(t, tool, args)
	if errObj != nil {
		t.Fatalf("%s: %v", tool, errObj)
	}
	return res
}

// TestServe_twoProcesses runs two `decision-gate serve` processes on one
// database and sends the same trigger to both at once: exactly one
// decision is stored and both answer with it.
func TestServe_twoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	dsn := pgtest.DSN(t)
	bin := buildServer(t)
	cache := t.TempDir()
	a := serve(t, bin, serveConfig(filepath.Join(cache, "a")), dsn)
	b := serve(t, bin, serveConfig(filepath.Join(cache, "b")), dsn)

	a.mustCall(t, "scenario_define", map[string]any{"spec": serveSpec()})
	// The definition is shared: defining it again on the other process is
	// refused.
	if _, errObj := b.call(t, "scenario_define", map[string]any{"spec": serveSpec()}); errObj == nil {
		t.Fatal("the second process defined the scenario again")
	}
	st, err := Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	const rounds = 25
	for i := range rounds {
		run := fmt.Sprintf("run-%02d", i)
		starter := []*process{a, b}[i%2]
		starter.mustCall(t, "scenario_start", map[string]any{"scenario_id": "replicated", "run_config": map[string]any{
			"tenant_id": 1, "namespace_id": 1, "run_id": run, "scenario_id": "replicated",
			"dispatch_targets": []any{}, "policy_tags": []any{}},
			"started_at": map[string]any{"kind": "logical", "value": 1}, "issue_entry_packets": false})
		args := map[string]any{"scenario_id": "replicated", "trigger": map[string]any{"trigger_id": "deploy-1",
			"tenant_id": 1, "namespace_id": 1, "run_id": run, "kind": "external_event",
			"time": map[string]any{"kind": "logical", "value": 2}, "source_id": "ci", "payload": nil, "correlation_id": nil}}
		var results [2]map[string]any
		var errs [2]map[string]any
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for j, p := range []*process{a, b} {
			wg.Go(func() {
				<-gate
				results[j], errs[j] = p.call(t, "scenario_trigger", args)
			})
		}
		close(gate)
		wg.Wait()
		for j := range errs {
			if errs[j] != nil {
				t.Fatalf("round %d, process %d: %v", i, j, errs[j])
			}
		}
		da, _ := results[0]["decision"].(map[string]any)
		db, _ := results[1]["decision"].(map[string]any)
		if da == nil || db == nil || da["decision_id"] != db["decision_id"] {
			t.Fatalf("round %d: the processes answered %v and %v", i, results[0], results[1])
		}
		rs, _, err := st.Load(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: run})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs.Decisions) != 1 || rs.Decisions[0].TriggerID != "deploy-1" || rs.CurrentStageID != "two" || len(rs.ToolCalls) != 2 {
			t.Fatalf("round %d: stored %d decisions, stage %s, %d tool calls; want 1, two, 2",
				i, len(rs.Decisions), rs.CurrentStageID, len(rs.ToolCalls))
		}
	}
}
