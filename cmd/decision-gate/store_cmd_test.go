package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/boltstore"
	"github.com/decision-gate/dgw/host/store/sqlitestore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// seedStore fills a store with two runs of the storetest scenario: "done"
// (completed in three decisions) and "open" (one hold), in tenant 1,
// namespace 1, and closes it.
func seedStore(t *testing.T, st *store.Store, marker string) {
	t.Helper()
	ctx := context.Background()
	src := storetest.NewSource()
	eng := engine.New(src, st, &engine.Options{Specs: st})
	if _, err := eng.Define(ctx, storetest.Spec()); err != nil {
		t.Fatal(err)
	}
	trig := func(run, id, source string) {
		t.Helper()
		_, err := eng.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1,
			RunID: run, Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(5), SourceID: source})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, run := range []string{"open", "done"} {
		cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: run, ScenarioID: storetest.ScenarioID}
		if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
			t.Fatal(err)
		}
	}
	trig("open", "t1", marker)
	trig("done", "t1", "ci")
	src.Set("ready", true)
	trig("done", "t2", "ci")
	src.Set("shipped", true)
	trig("done", "t3", "ci")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

func boltFixture(t *testing.T, marker string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "runs.db")
	st, err := boltstore.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	seedStore(t, st, marker)
	return path
}

func TestStore_listGet(t *testing.T) {
	path := boltFixture(t, "ci")
	at := []string{"--store-path", path, "--store-type", "bbolt"}

	code, out, errOut := runCLI(t, "", append([]string{"store", "list"}, at...)...)
	if code != 0 || !strings.Contains(out, "1/1/done\tversion 4 (4 kept)\tstoretest completed, 3 decisions") ||
		!strings.Contains(out, "1/1/open\tversion 2 (2 kept)\tstoretest active, 1 decisions") || !strings.Contains(out, "2 runs") {
		t.Fatalf("list: code %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", append([]string{"store", "list", "--format", "json", "--tenant-id", "1", "--namespace-id", "1", "--limit", "1"}, at...)...)
	var list struct{ Runs []runItem }
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 || len(list.Runs) != 1 || list.Runs[0].RunID != "done" {
		t.Fatalf("list json: code %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", append([]string{"store", "list", "--tenant-id", "2"}, at...)...)
	if code != 0 || !strings.Contains(out, "0 runs") {
		t.Fatalf("list of another tenant: %d %s", code, out)
	}

	code, out, _ = runCLI(t, "", append([]string{"store", "get", "--format", "json", "--tenant-id", "1", "--namespace-id", "1", "--run-id", "done"}, at...)...)
	if code != 0 {
		t.Fatalf("get: %d %s", code, out)
	}
	blob := strings.TrimSuffix(out, "\n")
	if h, n, err := evidence.HashCanonical([]byte(blob)); err != nil || n != len(blob) {
		t.Fatalf("get --format json is not canonical JSON: %v", err)
	} else if _, text, _ := runCLI(t, "", append([]string{"store", "get", "--tenant-id", "1", "--namespace-id", "1", "--run-id", "done"}, at...)...); !strings.Contains(text, "sha256 "+h.Value) {
		t.Fatalf("the printed checksum is not the blob's sha256 %s:\n%s", h.Value, text)
	}
	st, err := scenario.DecodeRunState([]byte(out))
	if err != nil || st.Status != scenario.RunCompleted || len(st.Decisions) != 3 {
		t.Fatalf("get: %v %+v", err, st)
	}
	code, out, _ = runCLI(t, "", append([]string{"store", "get", "--version", "1", "--tenant-id", "1", "--namespace-id", "1", "--run-id", "done"}, at...)...)
	if code != 0 || !strings.Contains(out, "version 1 ") || !strings.Contains(out, "0 decisions") || !strings.Contains(out, "versions kept: 1 2 3 4") {
		t.Fatalf("get version 1: %d %s", code, out)
	}
	code, _, errOut = runCLI(t, "", append([]string{"store", "get", "--tenant-id", "1", "--namespace-id", "1", "--run-id", "nope"}, at...)...)
	if code != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("get of a missing run: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", append([]string{"store", "get", "--run-id", "done"}, at...)...)
	if code != 1 || !strings.Contains(errOut, "required") {
		t.Fatalf("get without a full key: %d %s", code, errOut)
	}
}

func TestStore_exportVerifies(t *testing.T) {
	path := boltFixture(t, "ci")
	out := filepath.Join(t.TempDir(), "pack")
	code, stdout, errOut := runCLI(t, "", "store", "export", "--store-path", path, "--tenant-id", "1", "--namespace-id", "1",
		"--run-id", "done", "--output-dir", out, "--generated-at-logical", "9", "--with-verification")
	if code != 0 || !strings.Contains(stdout, "version 4") {
		t.Fatalf("export: %d %s %s", code, stdout, errOut)
	}
	code, stdout, errOut = runCLI(t, "", "runpack", "verify", out)
	if code != 0 || !strings.Contains(stdout, "pass") {
		t.Fatalf("runpack verify of the export: %d %s %s", code, stdout, errOut)
	}
	// An older version exports too, with the same stored spec.
	code, _, errOut = runCLI(t, "", "store", "export", "--store-path", path, "--tenant-id", "1", "--namespace-id", "1",
		"--run-id", "done", "--version", "3", "--output-dir", filepath.Join(t.TempDir(), "old"), "--generated-at-logical", "9")
	if code != 0 {
		t.Fatalf("export of version 3: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "store", "export", "--store-path", path, "--tenant-id", "1", "--namespace-id", "1",
		"--run-id", "done", "--output-dir", out)
	if code != 1 || !strings.Contains(errOut, "generated-at") {
		t.Fatalf("export without generated_at: %d %s", code, errOut)
	}
}

func TestStore_verifyFindsDamage(t *testing.T) {
	const marker = "cli-test-damage-marker-41d2"
	path := boltFixture(t, marker)
	code, out, _ := runCLI(t, "", "store", "verify", "--store-path", path)
	if code != 0 || !strings.HasPrefix(out, "pass: 2 runs, 6 versions, 1 specs checked, 0 damaged") {
		t.Fatalf("verify of an intact store: %d %s", code, out)
	}
	if n := storetest.FlipFile(t, path, []byte(marker)); n == 0 {
		t.Fatal("marker not found in the file")
	}
	code, out, _ = runCLI(t, "", "store", "verify", "--store-path", path)
	if code != 1 || !strings.Contains(out, "fail: 2 runs, 6 versions, 1 specs checked, 1 damaged") ||
		!strings.Contains(out, "run 1/1/open version 2: ") || !strings.Contains(out, "integrity check") {
		t.Fatalf("verify of a damaged store: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "store", "verify", "--store-path", path, "--format", "json")
	var rep struct {
		Status string
		Report store.Report
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.Status != "fail" || len(rep.Report.Problems) != 1 ||
		rep.Report.Problems[0].Code != "data_loss" {
		t.Fatalf("verify json: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "store", "list", "--store-path", path)
	if code != 0 || !strings.Contains(out, "1/1/open\tversion 2 (2 kept)\tDAMAGED") {
		t.Fatalf("list of a damaged store: %d %s", code, out)
	}
	code, _, errOut := runCLI(t, "", "store", "get", "--store-path", path, "--tenant-id", "1", "--namespace-id", "1", "--run-id", "open")
	if code != 1 || !strings.Contains(errOut, "integrity check") {
		t.Fatalf("get of a damaged run: %d %s", code, errOut)
	}
}

func TestStore_prune(t *testing.T) {
	path := boltFixture(t, "ci")
	base := []string{"store", "prune", "--store-path", path}
	code, out, _ := runCLI(t, "", append(base, "--keep", "2", "--dry-run")...)
	if code != 0 || !strings.Contains(out, "would prune 2 versions in 2 runs") {
		t.Fatalf("dry run: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", append(base, "--keep", "2", "--tenant-id", "1", "--namespace-id", "1", "--run-id", "done", "--format", "json")...)
	var res struct {
		Pruned int
		Runs   []pruneItem
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.Pruned != 2 || len(res.Runs) != 1 || res.Runs[0].Kept != 2 {
		t.Fatalf("prune one run: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", append(base, "--keep", "1")...)
	if code != 0 || !strings.Contains(out, "pruned 2 versions in 2 runs") {
		t.Fatalf("prune all: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "store", "verify", "--store-path", path)
	if code != 0 || !strings.Contains(out, "2 runs, 2 versions") {
		t.Fatalf("verify after prune: %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", append(base, "--keep", "0")...); code != 1 || !strings.Contains(errOut, "--keep") {
		t.Fatalf("keep 0: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", append(base, "--keep", "1", "--run-id", "done")...); code != 1 || !strings.Contains(errOut, "required") {
		t.Fatalf("partial key: %d %s", code, errOut)
	}
}

func TestStore_sqliteThroughConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	st, err := sqlitestore.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	seedStore(t, st, "ci")
	cfgPath := filepath.Join(dir, "decision-gate.toml")
	toml := fmt.Sprintf("[run_state_store]\ntype = \"sqlite\"\npath = %q\nsync_mode = \"normal\"\n", path)
	if err := os.WriteFile(cfgPath, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "store", "list", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "2 runs") {
		t.Fatalf("list through config: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "store", "verify", "--store-path", path, "--store-type", "sqlite", "--format", "json")
	if code != 0 || !strings.Contains(out, `"status": "pass"`) {
		t.Fatalf("verify sqlite: %d %s", code, out)
	}
	pack := filepath.Join(dir, "pack")
	code, _, errOut = runCLI(t, "", "store", "export", "--config", cfgPath, "--tenant-id", "1", "--namespace-id", "1",
		"--run-id", "open", "--output-dir", pack, "--generated-at-unix-ms", "1700000000000")
	if code != 0 {
		t.Fatalf("export through config: %d %s", code, errOut)
	}
	if code, out, _ := runCLI(t, "", "runpack", "verify", pack); code != 0 {
		t.Fatalf("runpack verify: %d %s", code, out)
	}
}

func TestStore_badInvocations(t *testing.T) {
	dir := t.TempDir()
	memCfg := filepath.Join(dir, "mem.toml")
	os.WriteFile(memCfg, []byte("[run_state_store]\ntype = \"memory\"\n"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"memory config", []string{"store", "list", "--config", memCfg}, "memory"},
		{"missing file", []string{"store", "list", "--store-path", filepath.Join(dir, "none.db")}, "no such file"},
		{"both sources", []string{"store", "verify", "--config", memCfg, "--store-path", memCfg}, "not both"},
		{"bad type", []string{"store", "verify", "--store-path", memCfg, "--store-type", "postgres"}, "bbolt or sqlite"},
		{"bad format", []string{"store", "verify", "--store-path", memCfg, "--format", "yaml"}, "text or json"},
		{"not a store", []string{"store", "verify", "--store-path", memCfg}, "boltstore: open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("code %d, stderr %q; want 1 and %q", code, errOut, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Fatal("a store command created a store file")
	}
}

func TestStore_lockedByServer(t *testing.T) {
	path := boltFixture(t, "ci")
	held, err := boltstore.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	code, _, errOut := runCLI(t, "", "store", "list", "--store-path", path)
	if code != 1 || !strings.Contains(errOut, "is a server using it?") {
		t.Fatalf("list of a locked file: %d %s", code, errOut)
	}
}
