package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var stubBuild struct {
	once sync.Once
	path string
	err  error
}

// stubProvider builds the stub evidence provider used by the server's
// tests (a real stdio process) once per test binary.
func stubProvider(t *testing.T) string {
	t.Helper()
	stubBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "dg-cli-stub-")
		if err != nil {
			stubBuild.err = err
			return
		}
		stubBuild.path = filepath.Join(dir, "mcpstub")
		cmd := exec.Command("go", "build", "-o", stubBuild.path, "github.com/decision-gate/dgw/host/internal/mcpstub/cmd/mcpstub")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			stubBuild.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if stubBuild.err != nil {
		t.Fatal(stubBuild.err)
	}
	return stubBuild.path
}

func TestProviderPreflight(t *testing.T) {
	stub := stubProvider(t)
	dir := t.TempDir()
	contract := func(name string) string {
		doc := strings.Replace(string(mustRead(t, shared(t, "provider-contracts", "template_provider.json"))), `"provider_id": "template"`, `"provider_id": "`+name+`"`, 1)
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, []byte(doc), 0o644)
		return p
	}
	entry := func(name, protocol, stubProtocol, extra string) string {
		return fmt.Sprintf("\n[[providers]]\nname = %q\ntype = \"mcp\"\nprotocol = %q\ncommand = [%q, \"-protocol\", %q]\ncapabilities_path = %q\n%s\n",
			name, protocol, stub, stubProtocol, contract(name), extra)
	}
	cfg := filepath.Join(dir, "decision-gate.toml")
	os.WriteFile(cfg, []byte(entry("good", "dg_evidence_v1", "dg_evidence_v1", `preflight = { probe_check_id = "value", probe_params = { value = "x" } }`)+
		entry("wrong_protocol", "mcp", "dg_evidence_v1", "")+
		entry("needs_env", "dg_evidence_v1", "dg_evidence_v1", `required_env = ["DG_CLI_TEST_SECRET"]`)), 0o644)

	code, out, errOut := runCLI(t, "", "provider", "preflight", "--config", cfg, "good")
	if code != 0 || !strings.Contains(out, "good: preflight ok") || !strings.Contains(out, "probe") {
		t.Fatalf("good: code %d\n%s%s", code, out, errOut)
	}
	// protocol = "mcp" against a provider that only speaks the SDK framing
	// fails at the handshake (broker design §4.9 item 13).
	code, out, errOut = runCLI(t, "", "provider", "preflight", "--config", cfg, "wrong_protocol")
	if code != 1 || !strings.Contains(out, "wrong_protocol: preflight FAILED") || !strings.Contains(out, "handshake") {
		t.Fatalf("wrong protocol: code %d\n%s%s", code, out, errOut)
	}
	t.Setenv("DG_CLI_TEST_SECRET", "")
	code, out, errOut = runCLI(t, "", "provider", "preflight", "--config", cfg, "--format", "json", "--all")
	var reports []struct {
		Provider string
		OK       bool
		Steps    []struct{ Step, Code string }
	}
	if err := json.Unmarshal([]byte(out), &reports); err != nil || code != 1 || len(reports) != 3 {
		t.Fatalf("--all: code %d %v\n%s%s", code, err, out, errOut)
	}
	env := reports[2]
	if env.Provider != "needs_env" || env.OK || env.Steps[1].Step != "env" || env.Steps[1].Code != "required_env_missing" {
		t.Fatalf("needs_env report %+v", env)
	}
	code, _, errOut = runCLI(t, "", "provider", "preflight", "--config", cfg, "nope")
	if code != 1 || !strings.Contains(errOut, `no type = "mcp" provider named "nope"`) {
		t.Fatalf("unknown provider: %d %s", code, errOut)
	}
	code, _, _ = runCLI(t, "", "provider", "preflight", "--config", cfg)
	if code != 1 {
		t.Fatalf("no name and no --all: %d", code)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
