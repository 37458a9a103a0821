package main

import (
	"bytes"
	"encoding/json"
	"github.com/decision-gate/dgw/host/config"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func shared(t *testing.T, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "conformance", "decision-gate"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("conformance data missing: %v", err)
	}
	return p
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestScenarioHash(t *testing.T) {
	code, out, errOut := runCLI(t, "", "scenario", "hash", shared(t, "contract", "examples", "scenario.json"))
	if code != 0 || out != "409337f68069806e3a4b628dde12907a967abb4b5b500fd0aabb4d05c5c2dd33\n" {
		t.Fatalf("code %d out %q err %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, `{"scenario_id":1}`, "scenario", "hash", "-")
	if code != 1 {
		t.Fatalf("bad spec: code %d out %q", code, out)
	}
}

func TestScenarioValidate(t *testing.T) {
	bad := `{"scenario_id":"s","namespace_id":1,"spec_version":"1","policies":[],"schemas":[],"conditions":[],
	  "stages":[{"stage_id":"a","entry_packets":[],"gates":[{"gate_id":"g","requirement":{"Condition":"x"}}],
	  "advance_to":{"kind":"fixed","stage_id":"zz"},"on_timeout":"fail"}]}`
	code, out, _ := runCLI(t, bad, "scenario", "validate", "--format", "json", "-")
	var rep struct {
		Valid  bool
		Errors []struct{ Path, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.Valid || len(rep.Errors) != 2 {
		t.Fatalf("code %d out %s", code, out)
	}
	if rep.Errors[0].Path != "$.stages[0].gates[0].requirement" || rep.Errors[1].Path != "$.stages[0].advance_to.stage_id" {
		t.Fatalf("paths: %+v", rep.Errors)
	}
	code, out, _ = runCLI(t, "", "scenario", "validate", shared(t, "contract", "examples", "scenario.json"))
	if code != 0 || !strings.Contains(out, "valid") {
		t.Fatalf("code %d out %s", code, out)
	}
}

func TestRunpackVerify(t *testing.T) {
	for _, rel := range [][]string{{"runpacks", "golden", "golden_time_after_pass"}, {"runpacks", "golden", "golden_visibility_packet"}, {"runpacks", "backcompat", "v1"}} {
		dir := shared(t, rel...)
		code, out, errOut := runCLI(t, "", "runpack", "verify", dir)
		if code != 0 || !strings.Contains(out, "pass (8 files checked)") {
			t.Fatalf("%s: code %d out %q err %q", dir, code, out, errOut)
		}
		code, out, _ = runCLI(t, "", "runpack", "verify", "--format", "json", "--manifest", filepath.Join(dir, "manifest.json"))
		if code != 0 || !strings.Contains(out, `"status":"pass"`) {
			t.Fatalf("json: %d %s", code, out)
		}
	}
	// A tampered copy fails with exit 1 and names the file.
	src := shared(t, "runpacks", "golden", "golden_time_after_pass")
	dst := t.TempDir()
	filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, _ := os.ReadFile(p)
		if rel == filepath.Join("artifacts", "decisions.json") {
			data = bytes.Replace(data, []byte(`"seq":1`), []byte(`"seq":2`), 1)
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	code, out, _ := runCLI(t, "", "runpack", "verify", "--format", "markdown", dst)
	if code != 1 || !strings.Contains(out, "hash mismatch for artifacts/decisions.json") || !strings.Contains(out, "**fail**") {
		t.Fatalf("tampered: %d %s", code, out)
	}
}

func TestRunpackExportRoundTrip(t *testing.T) {
	golden := shared(t, "runpacks", "golden", "golden_time_after_pass")
	dir := t.TempDir()
	state := `{"tenant_id":1,"namespace_id":1,"run_id":"run-1","scenario_id":"golden-time-after",
	  "spec_hash":{"algorithm":"sha256","value":"5e2f158f4b4192a29986215a340c3f50f64166da28b210d23b4892a417f694e8"},
	  "current_stage_id":"stage-1","stage_entered_at":{"kind":"logical","value":1},"status":"completed","dispatch_targets":[],
	  "triggers":` + read(t, golden, "artifacts/triggers.json") + `,"gate_evals":` + read(t, golden, "artifacts/gate_evals.json") +
		`,"decisions":` + read(t, golden, "artifacts/decisions.json") + `,"packets":[],"submissions":[],"tool_calls":` +
		read(t, golden, "artifacts/tool_calls.json") + `}`
	os.WriteFile(filepath.Join(dir, "state.json"), []byte(state), 0o644)
	out := filepath.Join(dir, "pack")
	code, stdout, errOut := runCLI(t, "", "runpack", "export", "--spec", filepath.Join(golden, "artifacts", "scenario_spec.json"),
		"--state", filepath.Join(dir, "state.json"), "--output-dir", out, "--manifest-name", "manifest.json",
		"--with-verification", "--generated-at-logical", "10")
	if code != 0 || !strings.Contains(stdout, "fceca5534f343d4266f89d29a1519a6c0ed2935964ad5757a70ed58661dba228") {
		t.Fatalf("code %d out %q err %q", code, stdout, errOut)
	}
	if got, want := read(t, out, "manifest.json"), read(t, golden, "manifest.json"); got != want {
		t.Fatalf("manifest differs:\n%s\n%s", got, want)
	}
}

func read(t *testing.T, dir, rel string) string {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "decision-gate ") {
		t.Fatalf("%d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "--help")
	for _, want := range []string{"serve", "scenario", "runpack", "config"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("help lacks %s: %s", want, out)
		}
	}
	if code, _, errOut := runCLI(t, "", "nope"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("%d %s", code, errOut)
	}
}

func TestConfigValidate(t *testing.T) {
	code, out, errOut := runCLI(t, "", "config", "validate", "--config", shared(t, "configs", "presets", "hardened.toml"))
	if code != 0 || !strings.Contains(out, "valid") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[server]\nbnd = \"x\"\ntransport = \"http\"\n"), 0o644)
	code, _, errOut = runCLI(t, "", "config", "validate", "--config", bad)
	if code != 1 || !strings.Contains(errOut, "unknown key: server.bnd") {
		t.Fatalf("%d %s", code, errOut)
	}
}

func TestWithDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	cfg, err := withDataDir(config.Default(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RunStateStore.Type != config.StoreBolt || cfg.RunStateStore.Path.Resolved != filepath.Join(dir, "run-state.db") ||
		cfg.SchemaRegistry.Type != config.StoreBolt || cfg.SchemaRegistry.Path.Resolved != filepath.Join(dir, "registry.db") {
		t.Fatalf("stores: %+v %+v", cfg.RunStateStore, cfg.SchemaRegistry)
	}
	if config.Default().RunStateStore.Type != config.StoreMemory {
		t.Fatal("withDataDir must not modify its input")
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("data dir: %v %v", info, err)
	}
}
