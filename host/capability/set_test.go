package capability

import (
	"reflect"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/abi"
)

func TestParseGrant(t *testing.T) {
	root := t.TempDir()
	full := `{
	  "log/v1": {"max_lines": 5},
	  "clock/v1": {},
	  "env/v1/get": {"allowlist": ["A", "B"], "denylist": ["B"], "overrides": {"A": "1"}},
	  "fs/v1/read": {"root": "` + root + `", "max_bytes": 10},
	  "http/v1/fetch": {"allowed_hosts": ["api.example.com", "*.example.org:8443"], "allow_http": true, "timeout_ms": 100}
	}`
	s, err := ParseGrant([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), " "); got != "log/v1 clock/v1 env/v1/get fs/v1/read http/v1/fetch" {
		t.Fatalf("names %s", got)
	}
	if s.Log.MaxLines != 5 || s.Env.Overrides["A"] != "1" || s.FS.MaxBytes() != 10 ||
		len(s.HTTP.Hosts) != 2 || s.HTTP.Hosts[1].Port != "8443" || !s.HTTP.AllowHTTP || s.HTTP.AllowPrivate {
		t.Fatalf("parsed %+v %+v %+v", s.Log, s.Env, s.HTTP)
	}

	for _, empty := range []string{"", "  ", "{}", "null"} {
		s, err := ParseGrant([]byte(empty))
		if err != nil || len(s.Names()) != 0 {
			t.Fatalf("ParseGrant(%q) = %v, %v", empty, s.Names(), err)
		}
	}

	bad := []struct{ name, doc, want string }{
		{"unknown capability", `{"net/v1/raw": {}}`, "unknown field"},
		{"unknown field", `{"env/v1/get": {"allow": []}}`, "unknown field"},
		{"missing root", `{"fs/v1/read": {"root": "` + root + `/nope"}}`, "fs/v1/read"},
		{"bad host", `{"http/v1/fetch": {"allowed_hosts": ["a.*.com"]}}`, "http/v1/fetch"},
		{"trailing", `{} {}`, "trailing"},
		{"not an object", `[]`, "cannot unmarshal"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseGrant([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseRequest(t *testing.T) {
	r, err := ParseRequest([]byte(`{"env/v1/get":{"keys":["A"]},"http/v1/fetch":{"hosts":["*"],"allow_http":true},"log/v1":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Names(), " "); got != "log/v1 env/v1/get http/v1/fetch" {
		t.Fatalf("names %s", got)
	}
	bad := []struct{ name, doc, want string }{
		{"unknown capability", `{"fs/v1/write":{}}`, "unknown field"},
		{"bad host", `{"http/v1/fetch":{"hosts":["*x"]}}`, "http/v1/fetch"},
		{"negative max", `{"fs/v1/read":{"max_bytes":-1}}`, "negative"},
		{"unknown field", `{"env/v1/get":{"allowlist":["A"]}}`, "unknown field"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseRequest([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestIntersect(t *testing.T) {
	root := t.TempDir()
	grant, err := ParseGrant([]byte(`{
	  "log/v1": {}, "clock/v1": {},
	  "env/v1/get": {"allowlist": ["A", "B"], "denylist": ["C"]},
	  "fs/v1/read": {"root": "` + root + `", "max_bytes": 100},
	  "http/v1/fetch": {"allowed_hosts": ["*.example.com"], "allow_http": true, "allow_private": true}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	grantBefore := *grant.Env
	cases := []struct {
		name        string
		req         string
		names       string
		unrequested string
		ungranted   string
		check       func(t *testing.T, s Set)
	}{
		{"empty request gets nothing", `{}`, "", "log/v1 clock/v1 env/v1/get fs/v1/read http/v1/fetch", "", nil},
		{"env names narrowed", `{"env/v1/get":{"keys":["B","Z"]}}`, "env/v1/get", "log/v1 clock/v1 fs/v1/read http/v1/fetch", "", func(t *testing.T, s Set) {
			if !reflect.DeepEqual(s.Env.Allowlist, []string{"B"}) || !reflect.DeepEqual(s.Env.Denylist, []string{"C"}) {
				t.Fatalf("env %+v", s.Env)
			}
		}},
		{"fs cap lowered by request", `{"fs/v1/read":{"max_bytes":10}}`, "fs/v1/read", "log/v1 clock/v1 env/v1/get http/v1/fetch", "", func(t *testing.T, s Set) {
			if s.FS.MaxBytes() != 10 || s.FS.Root() != grant.FS.Root() || grant.FS.MaxBytes() != 100 {
				t.Fatalf("fs max %d", s.FS.MaxBytes())
			}
		}},
		{"fs cap not raised by request", `{"fs/v1/read":{"max_bytes":1000}}`, "fs/v1/read", "log/v1 clock/v1 env/v1/get http/v1/fetch", "", func(t *testing.T, s Set) {
			if s.FS.MaxBytes() != 100 {
				t.Fatalf("fs max %d", s.FS.MaxBytes())
			}
		}},
		{"http needs both sides", `{"http/v1/fetch":{"hosts":["api.example.com","other.org"],"allow_http":true}}`, "http/v1/fetch", "log/v1 clock/v1 env/v1/get fs/v1/read", "", func(t *testing.T, s Set) {
			if len(s.HTTP.Hosts) != 1 || s.HTTP.Hosts[0].Host != "api.example.com" || !s.HTTP.AllowHTTP || s.HTTP.AllowPrivate {
				t.Fatalf("http %+v", s.HTTP)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := ParseRequest([]byte(tc.req))
			if err != nil {
				t.Fatal(err)
			}
			in := Intersect(req, grant)
			if got := strings.Join(in.Set.Names(), " "); got != tc.names {
				t.Fatalf("names %q, want %q", got, tc.names)
			}
			if got := strings.Join(in.Unrequested, " "); got != tc.unrequested {
				t.Fatalf("unrequested %q, want %q", got, tc.unrequested)
			}
			if got := strings.Join(in.Ungranted, " "); got != tc.ungranted {
				t.Fatalf("ungranted %q, want %q", got, tc.ungranted)
			}
			if tc.check != nil {
				tc.check(t, in.Set)
			}
		})
	}
	if !reflect.DeepEqual(*grant.Env, grantBefore) {
		t.Fatal("Intersect modified the grant")
	}

	req, _ := ParseRequest([]byte(`{"env/v1/get":{"keys":["A"]},"clock/v1":{}}`))
	in := Intersect(req, Set{})
	if len(in.Set.Names()) != 0 || strings.Join(in.Ungranted, " ") != "clock/v1 env/v1/get" {
		t.Fatalf("empty grant: %+v", in)
	}
	if in.Set.Has(abi.CapEnvGet) || in.Set.Has("nope") {
		t.Fatal("Has")
	}
}
