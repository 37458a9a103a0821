package capability

import (
	"errors"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/abi"
)

func TestEnvGrantGet(t *testing.T) {
	env := map[string]string{"DEPLOY_ENV": "prod", "HOME": "/root", "BIG": strings.Repeat("v", 100)}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct {
		name  string
		g     *EnvGrant
		key   string
		want  string
		state abi.Status
	}{
		{"allowed", &EnvGrant{Allowlist: []string{"DEPLOY_ENV"}}, "DEPLOY_ENV", "prod", abi.StatusOK},
		{"not on allowlist", &EnvGrant{Allowlist: []string{"DEPLOY_ENV"}}, "HOME", "", abi.StatusDenied},
		{"nil grant denies", nil, "DEPLOY_ENV", "", abi.StatusDenied},
		{"empty grant denies", &EnvGrant{}, "DEPLOY_ENV", "", abi.StatusDenied},
		{"wildcard allows", &EnvGrant{Allowlist: []string{AnyName}}, "HOME", "/root", abi.StatusOK},
		{"denylist beats wildcard", &EnvGrant{Allowlist: []string{AnyName}, Denylist: []string{"HOME"}}, "HOME", "", abi.StatusDenied},
		{"denylist beats allowlist", &EnvGrant{Allowlist: []string{"HOME"}, Denylist: []string{"HOME"}}, "HOME", "", abi.StatusDenied},
		{"allowed but unset", &EnvGrant{Allowlist: []string{"UNSET"}}, "UNSET", "", abi.StatusNotFound},
		{"key too long before policy", &EnvGrant{Allowlist: []string{AnyName}, Denylist: []string{"DEPLOY_ENV"}, MaxKeyBytes: 4}, "DEPLOY_ENV", "", abi.StatusLimit},
		{"key at limit", &EnvGrant{Allowlist: []string{"HOME"}, MaxKeyBytes: 4}, "HOME", "/root", abi.StatusOK},
		{"default key limit", &EnvGrant{Allowlist: []string{AnyName}}, strings.Repeat("K", 256), "", abi.StatusLimit},
		{"value too long", &EnvGrant{Allowlist: []string{"BIG"}, MaxValueBytes: 99}, "BIG", "", abi.StatusLimit},
		{"value at limit", &EnvGrant{Allowlist: []string{"BIG"}, MaxValueBytes: 100}, "BIG", env["BIG"], abi.StatusOK},
		{"empty key", &EnvGrant{Allowlist: []string{AnyName}}, "", "", abi.StatusInvalid},
		{"overrides only", &EnvGrant{Allowlist: []string{AnyName}, Overrides: map[string]string{"DEPLOY_ENV": "staging"}}, "DEPLOY_ENV", "staging", abi.StatusOK},
		{"overrides hide process env", &EnvGrant{Allowlist: []string{AnyName}, Overrides: map[string]string{}}, "HOME", "", abi.StatusNotFound},
		{"overrides still checked", &EnvGrant{Allowlist: []string{"X"}, Overrides: map[string]string{"HOME": "h"}}, "HOME", "", abi.StatusDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before []string
			if tc.g != nil {
				before = append([]string(nil), tc.g.Allowlist...)
			}
			got, err := tc.g.Get(tc.key, lookup)
			if st := StatusOf(err); st != tc.state || got != tc.want {
				t.Fatalf("Get(%q) = %q, %v (status %s); want %q, %s", tc.key, got, err, st, tc.want, tc.state)
			}
			var ce *Error
			if err != nil && (!errors.As(err, &ce) || ce.Capability != abi.CapEnvGet || ce.Detail == "") {
				t.Fatalf("error %#v lacks capability or detail", err)
			}
			if tc.g != nil && strings.Join(before, ",") != strings.Join(tc.g.Allowlist, ",") {
				t.Fatal("grant modified")
			}
		})
	}
}

func TestIntersectNames(t *testing.T) {
	cases := []struct {
		name               string
		req, grant, expect []string
	}{
		{"common", []string{"A", "B"}, []string{"B", "C"}, []string{"B"}},
		{"request any", []string{AnyName}, []string{"B", "C"}, []string{"B", "C"}},
		{"grant any", []string{"A"}, []string{AnyName}, []string{"A"}},
		{"both any", []string{AnyName}, []string{AnyName}, []string{AnyName}},
		{"disjoint", []string{"A"}, []string{"B"}, nil},
		{"nothing granted", []string{AnyName}, nil, nil},
		{"duplicates", []string{"A", "A"}, []string{"A"}, []string{"A"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := intersectNames(tc.req, tc.grant)
			if strings.Join(got, ",") != strings.Join(tc.expect, ",") {
				t.Fatalf("got %v, want %v", got, tc.expect)
			}
		})
	}
}

func TestLogGrantLine(t *testing.T) {
	g := &LogGrant{MaxLineBytes: 5, MaxLines: 2}
	if s, err := g.Line(0, []byte("hello world")); err != nil || s != "hello" {
		t.Fatalf("Line = %q, %v", s, err)
	}
	if _, err := g.Line(2, []byte("x")); StatusOf(err) != abi.StatusLimit {
		t.Fatalf("over budget: %v", err)
	}
	if _, err := (*LogGrant)(nil).Line(0, []byte("x")); StatusOf(err) != abi.StatusDenied {
		t.Fatalf("nil grant: %v", err)
	}
	if s, _ := (&LogGrant{}).Line(abi.MaxLogLinesPerQuery-1, []byte("ok")); s != "ok" {
		t.Fatal("defaults")
	}
	if got := CutUTF8([]byte("aé"), 2); got != "a" {
		t.Fatalf("CutUTF8 split a rune: %q", got)
	}
}

func TestStatusOf(t *testing.T) {
	if StatusOf(nil) != abi.StatusOK || StatusOf(errors.New("x")) != abi.StatusInternal {
		t.Fatal("StatusOf fallbacks")
	}
}
