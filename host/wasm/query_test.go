package wasm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/trust"
)

// guestModule loads the Go guest with every capability granted, a file root
// holding data.json, a symlink escaping the root and a large file, and an
// httptest server on loopback.
type guestEnv struct {
	m          *Module
	root       string
	srv        *httptest.Server
	targetHits *atomic.Int32
	logs       *logBuffer
}

func newGuestEnv(t *testing.T, mutate func(*LoadSpec)) *guestEnv {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(root, 0o755))
	must(os.WriteFile(filepath.Join(root, "data.json"), []byte(`{"v":1}`), 0o644))
	must(os.WriteFile(filepath.Join(root, "large.txt"), []byte(strings.Repeat("L", 40000)), 0o644))
	must(os.WriteFile(filepath.Join(base, "secret.txt"), []byte("secret"), 0o644))
	must(os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(root, "escape")))
	must(os.Symlink("data.json", filepath.Join(root, "alias")))

	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("pong")) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://not-allowed.example/target")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	grant, opts := fullGrant(t, root, map[string]string{"DEPLOY_ENV": "production", "SECRET": "x", "BIG_VALUE": strings.Repeat("v", 10000)})
	logs := &logBuffer{}
	opts.Logger = newLogger(logs)
	spec := signedSpec(t, guest(t), "testguest", guestCaps)
	spec.Grant = grant
	spec.Config = json.RawMessage(`{"mode":"test"}`)
	spec.Limits = Limits{PoolSize: 1}
	if mutate != nil {
		mutate(&spec)
	}
	return &guestEnv{m: load(t, spec, opts), root: root, srv: srv, targetHits: &hits, logs: logs}
}

// inband decodes a result's value, or returns its in-band error code.
func inband(t *testing.T, res evidence.Result, err error) (map[string]any, string) {
	t.Helper()
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	if res.Error != nil {
		return nil, res.Error.Code
	}
	var v map[string]any
	if res.Value != nil {
		_ = json.Unmarshal(res.Value.JSON, &v)
	}
	return v, ""
}

func TestGuestCapabilities(t *testing.T) {
	noLeaks(t)
	g := newGuestEnv(t, nil)
	cases := []struct {
		name, check, params string
		code                string         // in-band error code ("" for success)
		want                map[string]any // subset of the value
	}{
		{"env allowed", "env", `{"key":"DEPLOY_ENV"}`, "", nil},
		{"env not allowlisted", "env", `{"key":"SECRET"}`, "denied", nil},
		{"env value parked and taken", "env", `{"key":"BIG_VALUE"}`, "", nil},
		{"file", "file", `{"path":"data.json"}`, "", map[string]any{"rel_path": "data.json", "data": `{"v":1}`}},
		{"file through symlink", "file", `{"path":"alias"}`, "", map[string]any{"rel_path": "data.json"}},
		{"file larger than the sdk buffer", "file", `{"path":"large.txt"}`, "", map[string]any{"size": float64(40000)}},
		{"file over the call's cap", "file", `{"path":"large.txt","max":100}`, "limit", nil},
		{"path traversal", "file", `{"path":"../secret.txt"}`, "outside_root", nil},
		{"symlink escape", "file", `{"path":"escape"}`, "outside_root", nil},
		{"absolute path", "file", `{"path":"/etc/passwd"}`, "invalid", nil},
		{"missing file", "file", `{"path":"nope.json"}`, "not_found", nil},
		{"fetch allowed", "fetch", `{"url":"` + g.srv.URL + `/ok"}`, "", map[string]any{"status": float64(200), "body": "pong"}},
		{"redirect returned, not followed", "fetch", `{"url":"` + g.srv.URL + `/redirect"}`, "", map[string]any{"status": float64(302), "location": "http://not-allowed.example/target"}},
		{"fetch host not allowed", "fetch", `{"url":"http://localhost:1/ok"}`, "denied", nil},
		{"fetch post", "fetch", `{"url":"` + g.srv.URL + `/ok","method":"POST"}`, "denied", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := query(t, g.m, tc.check, tc.params)
			v, code := inband(t, res, err)
			if code != tc.code {
				t.Fatalf("code %q, want %q (value %v)", code, tc.code, v)
			}
			for k, want := range tc.want {
				if v[k] != want {
					t.Fatalf("%s = %v, want %v", k, v[k], want)
				}
			}
		})
	}
	if g.targetHits.Load() != 0 {
		t.Fatal("redirect was followed")
	}
	res, err := query(t, g.m, "env", `{"key":"BIG_VALUE"}`)
	if err != nil || len(res.Value.JSON) != 10002 {
		t.Fatalf("big env value: %v %d", err, len(res.Value.JSON))
	}
	if g.logs.count("capability refused") == 0 || !strings.Contains(g.logs.String(), `key \"SECRET\" is not on the allowlist`) {
		t.Fatalf("denials not logged:\n%s", g.logs.String())
	}
}

func TestGuestPrivateAddressDenied(t *testing.T) {
	noLeaks(t)
	g := newGuestEnv(t, func(s *LoadSpec) {
		h := *s.Grant.HTTP
		h.AllowPrivate = false
		s.Grant.HTTP = &h
	})
	res, err := query(t, g.m, "fetch", `{"url":"`+g.srv.URL+`/ok"}`)
	_, code := inband(t, res, err)
	if code != "denied" {
		t.Fatalf("code %q", code)
	}
	if !strings.Contains(g.logs.String(), "not a public address") {
		t.Fatalf("logs:\n%s", g.logs.String())
	}
}

func TestGuestEnvelope(t *testing.T) {
	noLeaks(t)
	g := newGuestEnv(t, nil)
	res, err := query(t, g.m, "echo", `{"a":[1,2.50,18446744073709551615]}`)
	v, _ := inband(t, res, err)
	if v["check"] != "echo" || v["trigger_kind"] != "unix_millis" || v["trigger_millis"] != float64(1710000000000) ||
		v["run_id"] != "run-1" || v["tenant_id"] != float64(1) {
		t.Fatalf("echo %v", v)
	}
	raw := string(res.Value.JSON)
	if !strings.Contains(raw, `"params":{"a":[1,2.50,18446744073709551615]}`) || !strings.Contains(raw, `"config":{"mode":"test"}`) {
		t.Fatalf("params or config not passed verbatim: %s", raw)
	}
	if res.Lane != evidence.Verified || res.EvidenceHash != nil || res.Signature != nil {
		t.Fatalf("result %+v", res)
	}
	res, err = query(t, g.m, "echo", "")
	if err != nil || !strings.Contains(string(res.Value.JSON), `"params":null`) {
		t.Fatalf("absent params: %s %v", res.Value.JSON, err)
	}

	_, err = query(t, g.m, "fail", `{"message":"url host not allowed"}`)
	if errcode.Of(err) != errcode.ProviderFailed || errcode.Message(err) != "url host not allowed" {
		t.Fatalf("provider error: %v (%s)", err, errcode.Of(err))
	}
	long := strings.Repeat("é", 600)
	_, err = query(t, g.m, "fail", `{"message":"`+long+`"}`)
	if msg := errcode.Message(err); errcode.Of(err) != errcode.ProviderFailed || len(msg) > 512 || !strings.HasPrefix(long, msg) {
		t.Fatalf("long error: %d bytes, code %s", len(msg), errcode.Of(err))
	}
}

func TestGuestLogCapped(t *testing.T) {
	noLeaks(t)
	g := newGuestEnv(t, nil)
	res, err := query(t, g.m, "log", `{"lines":150}`)
	if err != nil || string(res.Value.JSON) != "150" {
		t.Fatalf("log: %v", err)
	}
	if n := g.logs.count("line from guest"); n != 100 {
		t.Fatalf("%d guest lines logged, want 100", n)
	}
	if _, err := query(t, g.m, "log", `{"lines":3}`); err != nil {
		t.Fatal(err)
	}
	if n := g.logs.count("line from guest"); n != 103 {
		t.Fatalf("budget not reset per query: %d lines", n)
	}
}

func TestGuestNeedsLogGrant(t *testing.T) {
	noLeaks(t)
	grant, opts := fullGrant(t, t.TempDir(), nil)
	grant.Log = nil
	spec := signedSpec(t, guest(t), "testguest", guestCaps)
	spec.Grant = grant
	_, err := Load(t.Context(), spec, opts)
	if errcode.Of(err) != errcode.CapabilityDenied || !strings.Contains(err.Error(), "log/v1") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmptyGrantDeniesAtCallTime(t *testing.T) {
	noLeaks(t)
	// With every host function linked against an empty grant (how Inspect
	// runs a module), each capability call is refused.
	ctx := t.Context()
	h := &host{providerID: "testguest", lookupEnv: func(string) (string, bool) { return "x", true }, log: newLogger(&logBuffer{})}
	e, err := newEngine(ctx, guest(t), h, resolveLimits(Limits{}, trust.ManifestLimits{}), defaultCache(), true, h.log)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close(ctx)
	in, err := e.newInstance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := &Module{limits: e.limits, config: json.RawMessage("{}")}
	for _, q := range []struct{ check, params string }{
		{"env", `{"key":"DEPLOY_ENV"}`},
		{"file", `{"path":"data.json"}`},
		{"fetch", `{"url":"https://example.com/"}`},
	} {
		input, err := m.encodeQuery(evidence.Query{CheckID: q.check, Params: []byte(q.params)}, testCtx)
		if err != nil {
			t.Fatal(err)
		}
		cctx, _ := withCallState(ctx)
		out, err := in.runQuery(cctx, input, abi.MaxOutputBytes)
		if err != nil {
			t.Fatal(err)
		}
		res, err := decodeResponse(out)
		if err != nil || res.Error == nil || res.Error.Code != "denied" {
			t.Fatalf("%s: %+v %v", q.check, res.Error, err)
		}
	}
}
