package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/*.err golden files")

// parseFile parses a testdata file with relative paths resolved against
// /cfg, so resolved paths in results do not depend on the machine.
func parseFile(t testing.TB, name string) (*Config, error) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(data, "/cfg")
}

// TestParse_reference parses the reference's presets and examples. All
// must load: the reference's one start-up failure for them (the json
// root ./evidence must exist) is a start-up check, not a config check.
func TestParse_reference(t *testing.T) {
	files, err := filepath.Glob("testdata/reference/*/*.toml")
	if err != nil || len(files) != 7 {
		t.Fatalf("want 7 reference files, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			if _, err := parseFile(t, f); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

// TestParse_good parses the hand-written good files.
func TestParse_good(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.toml")
	if len(files) == 0 {
		t.Fatal("no good files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := parseFile(t, f)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := cfg.Validate(); err != nil {
				t.Fatalf("Validate after Parse: %v", err)
			}
		})
	}
}

// TestParse_bad compares the errors for each testdata/bad/*.toml with its
// .err golden file; run with -update to rewrite them.
func TestParse_bad(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.toml")
	if len(files) == 0 {
		t.Fatal("no bad files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".toml"), func(t *testing.T) {
			cfg, err := parseFile(t, f)
			if err == nil {
				t.Fatalf("Parse succeeded, want errors (config %+v)", cfg.Server)
			}
			if code := errcode.Of(err); code != errcode.InvalidArgument {
				t.Errorf("code = %q, want invalid_argument", code)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".toml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestValidate_allProblems checks that one bad file yields every problem,
// not just the first.
func TestValidate_allProblems(t *testing.T) {
	src := `
[server]
transport = "http"
max_body_bytes = 0

[server.limits.rate_limit]
window_ms = 50

[namespace]
allow_default = true

[[providers]]
name = "json"
type = "builtin"
`
	_, err := Parse([]byte(src), "")
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	want := []string{
		"server.max_body_bytes: must be at least 1 (got 0)",
		"server.limits.rate_limit.window_ms: must be between 100 and 60000 (got 50)",
		`server.bind: is required for transport "http"`,
		"namespace.default_tenants: must not be empty when allow_default = true",
		"providers[0].config: is required for the json provider (root and root_id have no default)",
	}
	var list interface{ Unwrap() []error }
	if !errors.As(err, &list) {
		t.Fatalf("error %T does not join problems", err)
	}
	var got []string
	for _, e := range list.Unwrap() {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Errorf("problem %q is not a *FieldError", e)
		}
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParse_unknownKeyError checks the error type of an unknown key.
func TestParse_unknownKeyError(t *testing.T) {
	_, err := Parse([]byte("[server]\nbnd = \"127.0.0.1:1\"\n"), "")
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || uk.Key != "server.bnd" {
		t.Fatalf("err = %v, want *UnknownKeyError for server.bnd", err)
	}
}

// TestParse_limits checks the file size and encoding limits.
func TestParse_limits(t *testing.T) {
	big := make([]byte, MaxFileBytes+1)
	for i := range big {
		big[i] = '\n'
	}
	if _, err := Parse(big, ""); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("oversize file: err = %v", err)
	}
	if _, err := Parse([]byte("a = \"\xff\"\n"), ""); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("non-UTF-8 file: err = %v", err)
	}
}

// TestParse_countLimits covers the list-length bounds that are tedious as
// golden files.
func TestParse_countLimits(t *testing.T) {
	repeat := func(item string, n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
	}
	tests := []struct {
		name, src, want string
	}{
		{"tokens", "[server.auth]\nbearer_tokens = " + repeat(`"t"`, 65),
			"server.auth.bearer_tokens: must have at most 64 entries (got 65)"},
		{"subjects", "[server.auth]\nmtls_subjects = " + repeat(`"s"`, 65),
			"server.auth.mtls_subjects: must have at most 64 entries (got 65)"},
		{"allowed_tools", "[server.auth]\nallowed_tools = " + repeat(`"precheck"`, 129),
			"server.auth.allowed_tools: must have at most 128 entries (got 129)"},
		{"principals", "[server.auth]\nprincipals = " + repeat(`{subject = "s"}`, 65),
			"server.auth.principals: must have at most 64 entries (got 65)"},
		{"roles", "[[server.auth.principals]]\nsubject = \"s\"\nroles = " + repeat(`{name = "r"}`, 129),
			"server.auth.principals[0].roles: must have at most 128 entries (got 129)"},
		{"tools denylist", "[server.tools]\ndenylist = " + repeat(`"precheck"`, 129),
			"server.tools.denylist: must have at most 128 entries (got 129)"},
		{"acl rules", "[schema_registry.acl]\nmode = \"custom\"\nrules = " + repeat(`{effect = "allow"}`, 257),
			"schema_registry.acl.rules: must have at most 256 entries (got 257)"},
		{"extra_paths", "[docs]\nextra_paths = " + repeat(`"d"`, 65),
			"docs.extra_paths: must have at most 64 entries (got 65)"},
		{"provider policy rules", "[provider_policy]\nrules = " + repeat(`{effect = "allow", providers = ["*"], checks = ["*"]}`, 257),
			"provider_policy.rules: must have at most 256 entries (got 257)"},
		{"long token", "[server.auth]\nbearer_tokens = [\"" + strings.Repeat("x", 257) + "\"]",
			"server.auth.bearer_tokens[0]: must be at most 256 bytes long"},
		{"long subject", "[server.auth]\nmtls_subjects = [\"" + strings.Repeat("x", 513) + "\"]",
			"server.auth.mtls_subjects[0]: must be at most 512 bytes long"},
		{"long path", "[server.audit]\npath = \"" + strings.Repeat("a/", 2049) + "\"",
			"server.audit.path: must be at most 4096 bytes long"},
		{"long component", "[server.audit]\npath = \"" + strings.Repeat("a", 256) + "\"",
			"server.audit.path: has a path component longer than 255 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src+"\n"), "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestParse_doesNotMutateInput checks that Parse leaves its input alone.
func TestParse_doesNotMutateInput(t *testing.T) {
	data, err := os.ReadFile("testdata/good/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	orig := string(data)
	if _, err := Parse(data, "/cfg"); err != nil {
		t.Fatal(err)
	}
	if string(data) != orig {
		t.Error("Parse modified its input")
	}
}

// TestResolvePath checks the load order of spec §9.
func TestResolvePath(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvVar {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		flag     string
		getenv   func(string) string
		want     string
		wantFrom PathSource
		wantErr  bool
	}{
		{"flag wins", "a.toml", env("b.toml"), "a.toml", FromFlag, false},
		{"env", "", env("b.toml"), "b.toml", FromEnv, false},
		{"default", "", env(""), DefaultFileName, FromDefault, false},
		{"nil getenv", "", nil, DefaultFileName, FromDefault, false},
		{"env too long", "", env(strings.Repeat("a", 4097)), "", FromEnv, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, from, err := ResolvePath(tc.flag, tc.getenv)
			if (err != nil) != tc.wantErr || got != tc.want || from != tc.wantFrom {
				t.Errorf("ResolvePath = %q, %v, %v; want %q, %v, error %v", got, from, err, tc.want, tc.wantFrom, tc.wantErr)
			}
		})
	}
}

// TestLoad reads a file from disk and checks Source and path resolution.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "decision-gate.toml")
	src := "[run_state_store]\ntype = \"sqlite\"\npath = \"state/dg.db\"\n"
	if err := os.WriteFile(name, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if cfg.Source.Path != name || cfg.Source.ModTime.IsZero() {
		t.Errorf("Source = %+v", cfg.Source)
	}
	p := cfg.RunStateStore.Path
	if p.Raw != "state/dg.db" || p.Resolved != filepath.Join(wd, "state/dg.db") {
		t.Errorf("path = %+v, want relative to the working directory %s", p, wd)
	}

	if _, err := Load(filepath.Join(dir, "missing.toml")); errcode.Of(err) != errcode.NotFound {
		t.Errorf("missing file: code %q (%v), want not_found", errcode.Of(err), err)
	}
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[server]\nbnd = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if errcode.Of(err) != errcode.InvalidArgument || !strings.Contains(err.Error(), "unknown key: server.bnd") {
		t.Errorf("bad file: %v", err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, make([]byte, MaxFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("big file: %v", err)
	}
}

// TestValidate_codeBuilt checks Validate on a Config changed in code: it
// reports every problem, and explicit-value checks are skipped.
func TestValidate_codeBuilt(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	c.Server.MaxBodyBytes = 0
	c.Docs.MaxSections = 11
	c.Providers[0].Name = "time "
	err := c.Validate()
	want := "server.max_body_bytes: must be at least 1 (got 0)\n" +
		"docs.max_sections: must be between 1 and 10 (got 11)\n" +
		"providers[0].name: must not have leading or trailing whitespace\n" +
		`providers[0].name: "time " is not a built-in provider (built-ins: time, env, json, http, assetcore, assetcore_read)`
	if err == nil || err.Error() != want {
		t.Errorf("Validate() = %v\nwant:\n%s", err, want)
	}
	var zero Config
	if err := zero.Validate(); err == nil {
		t.Error("the zero Config validated; it has no defaults")
	}
}
