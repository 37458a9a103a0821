package mcpclient

import (
	"context"
	"errors"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/egress"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/mcpstub"
)

func TestMain(m *testing.M) {
	code := m.Run()
	mcpstub.Cleanup()
	os.Exit(code)
}

var protocols = []string{ProtocolDGEvidence, ProtocolMCP}

// stdioOptions runs the stub binary with the given protocol and extra
// flags.
func stdioOptions(t testing.TB, protocol string, flags ...string) Options {
	t.Helper()
	argv := append([]string{mcpstub.Build(t), "-protocol", protocol}, flags...)
	return Options{
		Name: "stub", Protocol: protocol, Command: argv,
		Env:            []string{"DG_VISIBLE=yes"},
		RequestTimeout: 3 * time.Second, StartupTimeout: 3 * time.Second,
		MaxResponseBytes: 1 << 20, StderrTailBytes: 4096,
	}
}

// httpOptions points at srv with an egress policy that allows it.
func httpOptions(t testing.TB, srv *mcpstub.Server, protocol string) Options {
	t.Helper()
	return Options{
		Name: "stub", Protocol: protocol, URL: srv.URL + "/rpc",
		Egress:         loopbackPolicy(t, srv.URL, true),
		BearerToken:    "tok-123",
		ConnectTimeout: time.Second, RequestTimeout: 3 * time.Second, StartupTimeout: 3 * time.Second,
		MaxResponseBytes: 1 << 20,
	}
}

func loopbackPolicy(t testing.TB, raw string, private bool) *egress.Policy {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := egress.ParsePattern(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return &egress.Policy{Allowlist: []egress.Pattern{p}, AllowHTTP: true, AllowPrivate: private}
}

func newClient(t testing.TB, opts Options) *Client {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func query(check, params string) evidence.Query {
	q := evidence.Query{ProviderID: "template", CheckID: check}
	if params != "" {
		q.Params = []byte(params)
	}
	return q
}

func evCtx() evidence.Context {
	corr := "corr-42"
	return evidence.Context{
		TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: "scenario-1", StageID: "stage-1",
		TriggerID: "trigger-1", TriggerTime: evidence.AtMillis(1_700_000_000_000), CorrelationID: &corr,
	}
}

func call(t testing.TB, c *Client, check, params string) (evidence.Result, error) {
	t.Helper()
	return c.Call(context.Background(), query(check, params), evCtx())
}

// wantCode fails unless err is an *Error with code and, when msg is set,
// a message that contains it.
func wantCode(t testing.TB, err error, code Code, msg string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error %s", err, err, code)
	}
	if e.Code != code || !strings.Contains(e.Msg, msg) {
		t.Fatalf("err = %q, want code %s with %q", e.Error(), code, msg)
	}
	return e
}

// wantValue fails unless res carries the JSON value want.
func wantValue(t testing.TB, res evidence.Result, err error, want string) {
	t.Helper()
	if err != nil {
		t.Fatalf("call failed: %v", err)
	}
	if res.Value == nil || res.Value.Kind != evidence.JSONValue || string(res.Value.JSON) != want {
		t.Fatalf("value = %+v, want %s", res.Value, want)
	}
}

// noLeaks records the goroutine count and, at cleanup, waits for it to
// come back down.
func noLeaks(t *testing.T) {
	t.Helper()
	base := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("goroutines: %d, want ≤ %d\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
