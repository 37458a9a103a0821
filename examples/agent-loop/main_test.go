package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/server"
)

// cacheDir is one compilation cache for every server in the package, so
// the json module compiles once per test run.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "agent-loop-test-")
	if err != nil {
		panic(err)
	}
	cacheDir = filepath.Join(dir, "wazero")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// serve starts an in-process server whose json provider is rooted at
// workspace (the same settings as decision-gate.toml, on a free port) and
// returns its /rpc URL.
func serve(t *testing.T, workspace string) string {
	t.Helper()
	toml := fmt.Sprintf(`
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
name = "json"
type = "builtin"
config = { root = %q, root_id = "agent-workspace", max_bytes = 1048576, allow_yaml = false }
`, cacheDir, workspace)
	cfg, err := config.Parse([]byte(toml), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg, server.Options{Version: "agent-loop-test", Stderr: io.Discard})
	if err != nil {
		cancel()
		t.Fatal(err)
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
	for deadline := time.Now().Add(10 * time.Second); srv.Addr() == ""; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("server did not start listening")
		}
	}
	return "http://" + srv.Addr() + "/rpc"
}

func TestAgentLoop(t *testing.T) {
	workspace := t.TempDir()
	url := serve(t, workspace)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var out bytes.Buffer
	if err := run(ctx, options{url: url, workspace: workspace, runID: "run-1", agentID: "agent", maxSteps: 12}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []string{
		"defined scenario agent-ship-feature (spec sha256 ",
		"started run run-1",
		"step 1: decision-1 hold at stage build: unmet gates build-ok",
		"        gate build-ok is Unknown: build_succeeded=Unknown",
		"        work: building the release artifact",
		"step 2: decision-2 advance: build -> test",
		"step 3: decision-3 hold at stage test: unmet gates tests-green",
		"        gate tests-green is Unknown: tests_ran=Unknown no_test_failures=Unknown",
		"        work: running the test suite",
		"step 4: decision-4 hold at stage test: unmet gates tests-green",
		"        gate tests-green is False: tests_ran=True no_test_failures=False",
		"        work: fixing TestInvoiceRounding and TestRefundTwice, running the test suite again",
		"step 5: decision-5 advance: test -> document",
		"step 6: decision-6 hold at stage document: unmet gates changelog",
		"        gate changelog is Unknown: changelog_updated=Unknown",
		"        work: writing the changelog entry",
		"step 7: decision-7 complete: stage document passed, the plan is done",
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], want[i])
		}
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(workspace, f)); err != nil {
			t.Errorf("evidence file: %v", err)
		}
	}

	// A second run on the same server reuses the scenario and starts from
	// an empty workspace again.
	out.Reset()
	if err := run(ctx, options{url: url, workspace: workspace, runID: "run-2", agentID: "agent", maxSteps: 12}, &out); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	if s := out.String(); !strings.HasPrefix(s, "scenario agent-ship-feature is already defined on the server; reusing it\n") ||
		!strings.Contains(s, "step 7: decision-7 complete") {
		t.Errorf("second run:\n%s", s)
	}
}

// TestAgentGivesUp: evidence written where the server does not look never
// satisfies a gate; the loop stops at max-steps instead of spinning.
func TestAgentGivesUp(t *testing.T) {
	url := serve(t, t.TempDir())
	var out bytes.Buffer
	err := run(context.Background(), options{url: url, workspace: t.TempDir(), runID: "run-x", agentID: "agent", maxSteps: 3}, &out)
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 steps") {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
	if strings.Count(out.String(), "hold at stage build") != 3 {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestAgentErrors(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), options{url: "http://127.0.0.1:1/rpc", workspace: t.TempDir(), runID: "r", maxSteps: 1}, &out); err == nil ||
		!strings.Contains(err.Error(), "is the server running?") {
		t.Errorf("no server: %v", err)
	}
	if err := run(context.Background(), options{url: "http://127.0.0.1:1/rpc", workspace: filepath.Join(t.TempDir(), "nope"), maxSteps: 1}, &out); err == nil ||
		!strings.Contains(err.Error(), "json provider's root") {
		t.Errorf("no workspace: %v", err)
	}
}
