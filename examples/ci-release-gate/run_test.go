// Package releasegate tests run.sh, the CI release gate example, against a
// decision-gate binary built from this repository.
package releasegate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// nov20 is 2026-11-20T09:00:00Z, outside the change freeze; dec22 is
// 2026-12-22T00:00:00Z, inside it.
const (
	nov20 = "1763629200000"
	dec22 = "1797897600000"
)

var (
	tmpRoot  string // removed by TestMain
	binOnce  sync.Once
	binPath  string
	binErr   error
	plugOnce sync.Once
	plugDir  string
	plugErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dg-release-gate-test-")
	if err != nil {
		panic(err)
	}
	tmpRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needTools skips, loudly, when run.sh cannot run here.
func needTools(t *testing.T) {
	t.Helper()
	var missing []string
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("SKIPPING the CI release gate test: run.sh needs %s, not found in PATH", strings.Join(missing, " and "))
		fmt.Fprintln(os.Stderr, "WARNING:", msg)
		t.Skip(msg)
	}
}

// binary builds ./cmd/decision-gate once, as README.md does.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		p := filepath.Join(tmpRoot, "bin", "decision-gate")
		goBin, err := exec.LookPath("go")
		if err != nil {
			binErr = fmt.Errorf("the go command is needed: %w", err)
			return
		}
		cmd := exec.Command(goBin, "build", "-o", p, "./cmd/decision-gate")
		cmd.Dir = filepath.Join("..", "..")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/decision-gate: %v\n%s", err, out)
			return
		}
		binPath = p
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type result struct {
	code    int
	out     string
	runpack string
}

// runScript runs run.sh on a reports directory with extra environment.
func runScript(t *testing.T, reports string, env ...string) result {
	t.Helper()
	scratch := t.TempDir()
	runpack := filepath.Join(scratch, "runpack")
	cmd := exec.Command("bash", "run.sh", reports)
	cmd.Env = append(os.Environ(),
		"DG_BIN="+binary(t),
		"DG_RUNPACK_DIR="+runpack,
		"DG_RUN_ID=run-"+filepath.Base(reports),
		"DG_NOW_MS="+nov20,
		"TMPDIR="+scratch,
		// One compilation cache for the built-in modules across runs.
		"XDG_CACHE_HOME="+filepath.Join(tmpRoot, "cache"),
	)
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, out: out.String(), runpack: runpack}
}

func (r result) expect(t *testing.T, code int, lines ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit status %d, want %d", r.code, code)
	}
	for _, l := range lines {
		if !strings.Contains(r.out, l) {
			t.Errorf("output lacks %q", l)
		}
	}
	if t.Failed() {
		t.Logf("run.sh output:\n%s", r.out)
		if b, err := os.ReadFile(filepath.Join(r.runpack, "artifacts", "gate_evals.json")); err == nil {
			t.Logf("gate evaluations:\n%s", b)
		}
	}
}

// verify checks the runpack run.sh left behind with the CLI, then that a
// changed byte in a decision is caught.
func (r result) verify(t *testing.T) {
	t.Helper()
	dg := binary(t)
	if out, err := exec.Command(dg, "runpack", "verify", r.runpack).CombinedOutput(); err != nil || !strings.Contains(string(out), "pass") {
		t.Fatalf("runpack verify: %v\n%s", err, out)
	}
	decisions := filepath.Join(r.runpack, "artifacts", "decisions.json")
	b, err := os.ReadFile(decisions)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(b, []byte(`"kind":"hold"`), []byte(`"kind":"HOLD"`), 1)
	forged = bytes.Replace(forged, []byte(`"kind":"complete"`), []byte(`"kind":"COMPLETE"`), 1)
	if err := os.WriteFile(decisions, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(dg, "runpack", "verify", r.runpack).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "decisions.json") {
		t.Fatalf("a forged decision log verified: %v\n%s", err, out)
	}
}

func TestRunScript(t *testing.T) {
	needTools(t)
	binary(t)
	cases := []struct {
		name, reports string
		env           []string
		code          int
		lines         []string
	}{
		{"passing", "reports/passing", nil, 0, []string{
			"decision-1  stage tests          advance -> coverage",
			"decision-2  stage coverage       advance -> change-freeze",
			"decision-3  stage change-freeze  advance -> release  (issued: release-authorization)",
			"decision-4  stage release        complete",
			"pass (8 files checked)",
			"RELEASE: every gate passed"}},
		{"failing tests", "reports/failing", nil, 1, []string{
			"decision-1  stage tests          HOLD: unmet gates: tests-pass",
			"  tests-pass: no_failed_tests=False tests_ran=True",
			"pass (8 files checked)",
			"BLOCKED: do not release"}},
		{"low coverage", "reports/low-coverage", nil, 1, []string{
			"decision-1  stage tests          advance -> coverage",
			"decision-2  stage coverage       HOLD: unmet gates: coverage-min",
			"  coverage-min: line_coverage=False",
			"BLOCKED"}},
		{"change freeze", "reports/passing", []string{"DG_NOW_MS=" + dec22}, 1, []string{
			"decision-3  stage change-freeze  HOLD: unmet gates: no-change-freeze",
			"  no-change-freeze: before_freeze=False after_freeze=False",
			"BLOCKED"}},
		{"no reports", t.TempDir(), nil, 1, []string{
			"HOLD: unmet gates: tests-pass",
			"  tests-pass: no_failed_tests=Unknown tests_ran=Unknown"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runScript(t, tc.reports, tc.env...)
			r.expect(t, tc.code, tc.lines...)
			r.verify(t)
		})
	}
	t.Run("usage errors", func(t *testing.T) {
		t.Parallel()
		runScript(t, filepath.Join(t.TempDir(), "missing")).expect(t, 2, "does not exist")
		runScript(t, "reports/passing", "DG_NOW_MS=yesterday").expect(t, 2, "DG_NOW_MS must be unix milliseconds")
	})
}

// junitPlugin builds and signs the acme.junit plugin with the CLI, as the
// plugin's README does, into a directory for DG_JUNIT_DIR.
func junitPlugin(t *testing.T) string {
	t.Helper()
	dg := binary(t)
	plugOnce.Do(func() {
		dir := filepath.Join(tmpRoot, "junit")
		goBin, err := exec.LookPath("go")
		if err != nil {
			plugErr = err
			return
		}
		build := exec.Command(goBin, "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w -buildid=", "-o", filepath.Join(dir, "junit.wasm"), ".")
		build.Dir = filepath.Join("..", "plugins", "junit")
		build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local")
		steps := []*exec.Cmd{
			build,
			exec.Command(dg, "plugin", "keygen", "--out", filepath.Join(dir, "acme")),
			exec.Command("cp", filepath.Join("..", "plugins", "junit", "provider.json"), filepath.Join(dir, "provider.json")),
			exec.Command(dg, "plugin", "sign", "--key", filepath.Join(dir, "acme.key"), "--module", filepath.Join(dir, "junit.wasm"),
				"--manifest", filepath.Join(dir, "provider.json")),
		}
		for _, c := range steps {
			if out, err := c.CombinedOutput(); err != nil {
				plugErr = fmt.Errorf("%s: %v\n%s", strings.Join(c.Args, " "), err, out)
				return
			}
		}
		plugDir = dir
	})
	if plugErr != nil {
		t.Fatal(plugErr)
	}
	return plugDir
}

// TestRunScriptWithJUnitPlugin: the same gate with the acme.junit Wasm
// provider reading junit.xml and coverage.xml.
func TestRunScriptWithJUnitPlugin(t *testing.T) {
	needTools(t)
	if testing.Short() {
		t.Skip("builds the acme.junit module; skipped with -short")
	}
	dir := junitPlugin(t)
	runScript(t, "reports/passing", "DG_JUNIT_DIR="+dir).expect(t, 0,
		"scenario ci-release-gate-junit", "decision-4  stage release        complete", "RELEASE")
	runScript(t, "reports/failing", "DG_JUNIT_DIR="+dir).expect(t, 1,
		"  tests-pass: no_failed_tests=False tests_ran=True", "BLOCKED")
	runScript(t, "reports/low-coverage", "DG_JUNIT_DIR="+dir).expect(t, 1,
		"  coverage-min: line_coverage=False", "BLOCKED")
}
