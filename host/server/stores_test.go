package server_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/server"
)

// storeConfig is baseConfig with durable stores under dir.
func storeConfig(t *testing.T, dir, runType, regType string) string {
	t.Helper()
	s := baseConfig(t.TempDir())
	s += fmt.Sprintf("[run_state_store]\ntype = %q\npath = %q\n", runType, filepath.Join(dir, "state", "runs.db"))
	s += fmt.Sprintf("[schema_registry]\ntype = %q\n", regType)
	if regType != "memory" {
		s += fmt.Sprintf("path = %q\n", filepath.Join(dir, "state", "registry.db"))
	}
	return s + "[schema_registry.acl]\nallow_local_only = true\n"
}

// TestDurableStores_restart: with durable stores, a restarted server keeps
// runs, scenario definitions and schemas; runs continue without a new
// scenario_define.
func TestDurableStores_restart(t *testing.T) {
	for _, tc := range []struct{ run, reg string }{{"bbolt", "bbolt"}, {"sqlite", "sqlite"}, {"bbolt", "sqlite"}} {
		t.Run(tc.run+"_"+tc.reg, func(t *testing.T) {
			dir := t.TempDir()
			cfg := storeConfig(t, dir, tc.run, tc.reg)
			spec := crashSpec("durable")
			trigger := func(r *stoppable, id string, at int) map[string]any {
				return r.mustCall("scenario_trigger", map[string]any{"scenario_id": "durable", "trigger": map[string]any{
					"trigger_id": id, "tenant_id": 1, "namespace_id": 1, "run_id": "r1", "kind": "external_event",
					"time": ts(at), "source_id": "test", "payload": nil, "correlation_id": nil}})
			}
			shape := map[string]any{"type": "object"}

			first := startNamed(t, cfg)
			first.mustCall("scenario_define", map[string]any{"spec": spec})
			first.mustCall("scenario_start", map[string]any{"scenario_id": "durable", "run_config": map[string]any{"tenant_id": 1,
				"namespace_id": 1, "run_id": "r1", "scenario_id": "durable", "dispatch_targets": []any{}, "policy_tags": []any{}},
				"started_at": ts(1), "issue_entry_packets": false})
			d1 := trigger(first, "t4", 4)["decision"].(map[string]any)
			first.mustCall("schemas_register", map[string]any{"record": map[string]any{"tenant_id": 1, "namespace_id": 1,
				"schema_id": "shape", "version": "v1", "schema": shape, "description": nil, "created_at": ts(1)}})
			first.stop()

			second := startNamed(t, cfg)
			// The acknowledged decision is still there, and replayed.
			if got := trigger(second, "t4", 4)["decision"].(map[string]any); got["decision_id"] != d1["decision_id"] {
				t.Fatalf("replay after restart: %v, want %v", got, d1)
			}
			// The run continues without a new define.
			if got := trigger(second, "t7", 7)["decision"].(map[string]any); got["decision_id"] != "decision-2" {
				t.Fatalf("after restart: %v", got)
			}
			list := second.mustCall("scenarios_list", map[string]any{"tenant_id": 1, "namespace_id": 1})
			if items := list["items"].([]any); len(items) != 1 {
				t.Fatalf("scenarios_list after restart: %v", list)
			}
			if _, e := second.call("scenario_define", map[string]any{"spec": spec}); e == nil || !strings.Contains(fmt.Sprint(e), "already defined") {
				t.Fatalf("define after restart: %v", e)
			}
			got := second.mustCall("schemas_get", map[string]any{"tenant_id": 1, "namespace_id": 1, "schema_id": "shape", "version": "v1"})
			if rec, _ := got["record"].(map[string]any); rec["schema_id"] != "shape" {
				t.Fatalf("schema after restart: %v", got)
			}
			out := t.TempDir()
			exp := second.mustCall("runpack_export", map[string]any{"scenario_id": "durable", "tenant_id": 1, "namespace_id": 1,
				"run_id": "r1", "output_dir": out, "generated_at": ts(9), "include_verification": true})
			if exp["report"].(map[string]any)["status"] != "pass" {
				t.Fatalf("runpack after restart: %v", exp)
			}
		})
	}
}

// stoppable is a running server that can be stopped before the test ends
// (to reopen its files).
type stoppable struct {
	*running
	stop func()
}

func startNamed(t *testing.T, toml string) *stoppable {
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
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			if err := srv.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(10 * time.Second)
	for srv.Addr() == "" {
		if time.Now().After(deadline) {
			t.Fatal("server did not start listening")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return &stoppable{running: &running{t: t, url: "http://" + srv.Addr(), srv: srv}, stop: stop}
}

func TestDurableStores_refused(t *testing.T) {
	dir := t.TempDir()
	same := filepath.Join(dir, "one.db")
	for _, tc := range []struct {
		name, extra, want string
	}{
		{"same file", fmt.Sprintf("[run_state_store]\ntype = \"sqlite\"\npath = %q\n[schema_registry]\ntype = \"sqlite\"\npath = %q\n", same, same),
			"are the same file"},
		{"not a store", fmt.Sprintf("[run_state_store]\ntype = \"bbolt\"\npath = %q\n", dir), "run_state_store (bbolt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(baseConfig(t.TempDir())+tc.extra), "")
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			srv, err := server.New(context.Background(), cfg, server.Options{Stderr: io.Discard})
			if err == nil {
				srv.Close()
				t.Fatalf("server built; want an error with %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestDurableStores_locked: a second server on the same bbolt file fails
// to start (Unavailable) instead of hanging.
func TestDurableStores_locked(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir, "bbolt", "memory")
	startNamed(t, cfg)
	parsed, err := config.Parse([]byte(cfg), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = server.New(context.Background(), parsed, server.Options{Stderr: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("second server on a locked file: %v", err)
	}
}
