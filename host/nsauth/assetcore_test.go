package nsauth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/assetcorestub"
	"github.com/decision-gate/dgw/host/nsauth"
)

// namespaceAuthority is host/mcp's NamespaceAuthority, restated so that the
// test proves the method set without importing host/mcp.
type namespaceAuthority interface {
	Check(ctx context.Context, tenant *evidence.TenantID, ns evidence.NamespaceID, correlationID string) error
}

var _ namespaceAuthority = (*nsauth.AssetCoreHTTP)(nil)

func newAuthority(t *testing.T, base string, opts *nsauth.Options) *nsauth.AssetCoreHTTP {
	t.Helper()
	a, err := nsauth.NewAssetCoreHTTP(base, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// outcome names a Check result: "allow", "denied", "unavailable",
// "invalid", or the code.
func outcome(err error) string {
	switch {
	case err == nil:
		return "allow"
	case errcode.Of(err) == errcode.PermissionDenied && errors.Is(err, nsauth.ErrDenied):
		return "denied"
	case errcode.Of(err) == errcode.PermissionDenied && errors.Is(err, nsauth.ErrUnavailable):
		return "unavailable"
	case errcode.Of(err) == errcode.InvalidArgument:
		return "invalid"
	}
	return string(errcode.Of(err)) + ": " + err.Error()
}

// The status table of spec §7.3. PermissionDenied is JSON-RPC -32003 and
// InvalidArgument -32602 in host/mcp's mapping.
func TestCheck_statuses(t *testing.T) {
	stub := assetcorestub.New(&assetcorestub.Options{Token: "s3cret"})
	stub.AddNamespace(7)
	base := stub.Start(t)
	tenant := evidence.TenantID(3)
	tests := []struct {
		name  string
		token nsauth.Token
		ns    evidence.NamespaceID
		fault assetcorestub.Fault
		want  string
	}{
		{"known namespace", "s3cret", 7, assetcorestub.Fault{}, "allow"},
		{"unknown namespace", "s3cret", 8, assetcorestub.Fault{}, "denied"},
		{"no token: 401", "", 7, assetcorestub.Fault{}, "denied"},
		{"wrong token: 403", "wrong", 7, assetcorestub.Fault{}, "denied"},
		{"500", "s3cret", 7, assetcorestub.Fault{Status: 500}, "unavailable"},
		{"503", "s3cret", 7, assetcorestub.Fault{Status: 503}, "unavailable"},
		{"400", "s3cret", 7, assetcorestub.Fault{Status: 400}, "unavailable"},
		{"204", "s3cret", 7, assetcorestub.Fault{Status: 204}, "unavailable"},
		{"redirect", "s3cret", 7, assetcorestub.Fault{Status: 307}, "unavailable"},
		{"200 with a body that is not JSON", "s3cret", 7, assetcorestub.Fault{Malformed: true}, "allow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub.SetFault(tc.fault)
			defer stub.SetFault(assetcorestub.Fault{})
			a := newAuthority(t, base, &nsauth.Options{AuthToken: tc.token})
			if got := outcome(a.Check(context.Background(), &tenant, tc.ns, "")); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCheck_transportFailures(t *testing.T) {
	stub := assetcorestub.New(nil)
	stub.AddNamespace(1)
	base := stub.Start(t)

	// Timeout: the stub holds its answer far longer than request_timeout.
	stub.SetFault(assetcorestub.Fault{Delay: 5 * time.Second})
	a := newAuthority(t, base, &nsauth.Options{RequestTimeout: 100 * time.Millisecond})
	t0 := time.Now()
	err := a.Check(context.Background(), nil, 1, "")
	if outcome(err) != "unavailable" || time.Since(t0) > 2*time.Second {
		t.Errorf("timeout: %v after %v", err, time.Since(t0))
	}
	stub.SetFault(assetcorestub.Fault{})

	// Nothing listening.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if err := newAuthority(t, closed.URL, nil).Check(context.Background(), nil, 1, ""); outcome(err) != "unavailable" {
		t.Errorf("refused connection: %v", err)
	}

	// The caller gave up: canceled, not a verdict about the namespace.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := newAuthority(t, base, nil).Check(ctx, nil, 1, ""); errcode.Of(err) != errcode.Canceled {
		t.Errorf("canceled: %v (%s)", err, errcode.Of(err))
	}

	// After Close every check fails closed, and Close is idempotent.
	a = newAuthority(t, base, nil)
	if err := a.Check(context.Background(), nil, 1, ""); err != nil {
		t.Fatal(err)
	}
	_ = a.Close()
	_ = a.Close()
	if err := a.Check(context.Background(), nil, 1, ""); outcome(err) != "unavailable" {
		t.Errorf("after close: %v", err)
	}
}

// The request: GET on the namespace path, the bearer token, the
// correlation id when there is one.
func TestCheck_request(t *testing.T) {
	stub := assetcorestub.New(&assetcorestub.Options{Token: "s3cret"})
	stub.AddNamespace(42)
	mux := http.NewServeMux()
	mux.Handle("/asc/", http.StripPrefix("/asc", stub))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	a := newAuthority(t, ts.URL+"/asc/", &nsauth.Options{AuthToken: "s3cret"})
	if err := a.Check(context.Background(), nil, 42, "corr-assetcore-1"); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(context.Background(), nil, 42, ""); err != nil {
		t.Fatal(err)
	}
	reqs := stub.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests = %+v", reqs)
	}
	want := assetcorestub.Request{Method: "GET", Path: "/v1/write/namespaces/42", Authorization: "Bearer s3cret",
		CorrelationID: "corr-assetcore-1", Accept: "application/json"}
	if reqs[0] != want {
		t.Errorf("request = %+v, want %+v", reqs[0], want)
	}
	if reqs[1].CorrelationID != "" {
		t.Errorf("empty correlation id sent as %q", reqs[1].CorrelationID)
	}
}

// Values that could split or inject headers are refused before any request.
func TestCheck_headerInjection(t *testing.T) {
	stub := assetcorestub.New(nil)
	stub.AddNamespace(1)
	base := stub.Start(t)
	a := newAuthority(t, base, nil)
	for _, corr := range []string{
		"a\r\nX-Evil: 1", "a\nb", "a b", "a\tb", "a\x00b", "caf\u00e9", "a:b", "a/b", "(a)", strings.Repeat("x", 129),
	} {
		err := a.Check(context.Background(), nil, 1, corr)
		if outcome(err) != "invalid" || errcode.Message(err) != "invalid correlation id" {
			t.Errorf("correlation id %q: %v", corr, err)
		}
	}
	if err := a.Check(context.Background(), nil, 1, strings.Repeat("x", 128)+""); err != nil {
		t.Errorf("128-byte correlation id: %v", err)
	}
	if err := a.Check(context.Background(), nil, 1, "!#$%&'*+-.^_`|~09azAZ"); err != nil {
		t.Errorf("tchar correlation id: %v", err)
	}
	if err := a.Check(context.Background(), nil, 0, ""); outcome(err) != "invalid" {
		t.Errorf("namespace 0: %v", err)
	}
	if n := len(stub.Requests()); n != 2 {
		t.Errorf("%d requests, want 2 (only the valid ids)", n)
	}
	for _, tok := range []nsauth.Token{"s3cret\r\nX-Evil: 1", "two words", "tab\t", "caf\u00e9", "nul\x00"} {
		if _, err := nsauth.NewAssetCoreHTTP(base, &nsauth.Options{AuthToken: tok}); errcode.Of(err) != errcode.InvalidArgument ||
			strings.Contains(err.Error(), string(tok)) {
			t.Errorf("token %q: %v", tok, err)
		}
	}
}

func TestNewAssetCoreHTTP_invalid(t *testing.T) {
	for _, base := range []string{"", "asc.internal", "ftp://asc", "http://", "https://u:p@asc", "https://asc/?x=1", "https://asc/#f", "http://[::1"} {
		if _, err := nsauth.NewAssetCoreHTTP(base, nil); errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("%q: %v", base, err)
		}
	}
	if _, err := nsauth.NewAssetCoreHTTP("https://asc", &nsauth.Options{RequestTimeout: -1}); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("negative timeout: %v", err)
	}
}

// The token never appears in formatted values, logs or errors.
func TestToken_redacted(t *testing.T) {
	tok := nsauth.Token("s3cret")
	opts := nsauth.Options{AuthToken: tok}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%s %v %q %x %d %#v %+v", tok, tok, tok, tok, tok, opts, opts)} {
		if strings.Contains(s, "s3cret") || strings.Contains(s, "73336372") {
			t.Errorf("leaked: %s", s)
		}
	}
	if nsauth.Token("").String() != "" {
		t.Error("empty token renders")
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	stub := assetcorestub.New(&assetcorestub.Options{Token: "s3cret"})
	stub.AddNamespace(1)
	base := stub.Start(t)
	log.Info("options", "opts", opts, "token", tok)
	a := newAuthority(t, base, &nsauth.Options{AuthToken: tok, Logger: log})
	errs := []error{a.Check(context.Background(), nil, 1, "c1"), a.Check(context.Background(), nil, 2, "c2")}
	stub.SetFault(assetcorestub.Fault{Status: 500})
	errs = append(errs, a.Check(context.Background(), nil, 1, "c3"))
	for _, err := range errs {
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error leaks the token: %v", err)
		}
	}
	if strings.Contains(buf.String(), "s3cret") {
		t.Errorf("log leaks the token:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "namespace authority unavailable") || !strings.Contains(buf.String(), "namespace check") {
		t.Errorf("log:\n%s", buf.String())
	}
}

// Many concurrent checks share one authority (run with -race).
func TestCheck_concurrent(t *testing.T) {
	stub := assetcorestub.New(nil)
	stub.AddNamespace(1)
	base := stub.Start(t)
	a := newAuthority(t, base, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ns := evidence.NamespaceID(1 + i%2)
			err := a.Check(context.Background(), nil, ns, fmt.Sprintf("c-%d", i))
			if (ns == 1) != (err == nil) {
				errs <- fmt.Errorf("namespace %d: %v", ns, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
