package capability

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/abi"
)

// testServer serves a few fixed routes on loopback and counts hits on
// /target so that tests can prove a redirect was not followed.
func testServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var targetHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-UA", r.UserAgent())
		w.Header().Set("X-Accept", r.Header.Get("Accept"))
		_, _ = w.Write([]byte("hello"))
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://evil.example:1/target")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/redirect-self", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/target")
		w.WriteHeader(http.StatusMovedPermanently)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		_, _ = w.Write([]byte("followed"))
	})
	mux.HandleFunc("/big-declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write(make([]byte, 1000))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 10; i++ {
			_, _ = w.Write(make([]byte, 100))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 64))
	})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nonly-ten!!")
		_ = buf.Flush()
		_ = conn.Close()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &targetHits
}

func loopbackGrant(t *testing.T, srv *httptest.Server, private bool) *HTTPGrant {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	p, err := ParseHostPattern(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return &HTTPGrant{AllowHTTP: true, AllowPrivate: private, Hosts: []HostPattern{p}, MaxResponseBytes: 64, TimeoutMS: 2000}
}

func TestHTTPGrantFetch(t *testing.T) {
	srv, hits := testServer(t)
	allowed := loopbackGrant(t, srv, true)
	private := loopbackGrant(t, srv, false)
	httpsOnly := loopbackGrant(t, srv, true)
	httpsOnly.AllowHTTP = false
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	byName := &HTTPGrant{AllowHTTP: true, Hosts: []HostPattern{{Host: "localhost"}}}
	fast := loopbackGrant(t, srv, true)
	fast.TimeoutMS = 100

	cases := []struct {
		name    string
		g       *HTTPGrant
		req     abi.HTTPFetchRequest
		state   abi.Status
		status  int
		body    string
		headers map[string]string
	}{
		{"allowed get", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/ok"}, abi.StatusOK, 200, "hello", map[string]string{"X-Ua": DefaultUserAgent}},
		{"allowed head", allowed, abi.HTTPFetchRequest{Method: "HEAD", URL: srv.URL + "/ok"}, abi.StatusOK, 200, "", nil},
		{"allowed header passes", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/ok", Headers: map[string]string{"accept": "text/plain"}}, abi.StatusOK, 200, "hello", map[string]string{"X-Accept": "text/plain"}},
		{"private address denied", private, abi.HTTPFetchRequest{URL: srv.URL + "/ok"}, abi.StatusDenied, 0, "", nil},
		{"rebinding name denied at dial", byName, abi.HTTPFetchRequest{URL: "http://localhost:" + port + "/ok"}, abi.StatusDenied, 0, "", nil},
		{"host not allowlisted", allowed, abi.HTTPFetchRequest{URL: "http://localhost:" + port + "/ok"}, abi.StatusDenied, 0, "", nil},
		{"port not allowlisted", allowed, abi.HTTPFetchRequest{URL: "http://127.0.0.1:1/ok"}, abi.StatusDenied, 0, "", nil},
		{"http needs allow_http", httpsOnly, abi.HTTPFetchRequest{URL: srv.URL + "/ok"}, abi.StatusDenied, 0, "", nil},
		{"other scheme", allowed, abi.HTTPFetchRequest{URL: "file:///etc/passwd"}, abi.StatusDenied, 0, "", nil},
		{"post denied", allowed, abi.HTTPFetchRequest{Method: "POST", URL: srv.URL + "/ok"}, abi.StatusDenied, 0, "", nil},
		{"header denied", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/ok", Headers: map[string]string{"Cookie": "a=b"}}, abi.StatusDenied, 0, "", nil},
		{"header injection", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/ok", Headers: map[string]string{"Accept": "a\r\nX: y"}}, abi.StatusInvalid, 0, "", nil},
		{"relative url", allowed, abi.HTTPFetchRequest{URL: "/ok"}, abi.StatusInvalid, 0, "", nil},
		{"user info", allowed, abi.HTTPFetchRequest{URL: strings.Replace(srv.URL, "//", "//u:p@", 1) + "/ok"}, abi.StatusInvalid, 0, "", nil},
		{"redirect returned, not followed", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/redirect"}, abi.StatusOK, 302, "", map[string]string{"Location": "http://evil.example:1/target"}},
		{"same-host redirect not followed", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/redirect-self"}, abi.StatusOK, 301, "", map[string]string{"Location": "/target"}},
		{"content-length over cap", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/big-declared"}, abi.StatusLimit, 0, "", nil},
		{"streamed body over cap", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/big-chunked"}, abi.StatusLimit, 0, "", nil},
		{"body at cap", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/exact"}, abi.StatusOK, 200, strings.Repeat("\x00", 64), nil},
		{"truncated body", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/truncated"}, abi.StatusTruncated, 0, "", nil},
		{"grant timeout", fast, abi.HTTPFetchRequest{URL: srv.URL + "/slow"}, abi.StatusTimeout, 0, "", nil},
		{"request lowers timeout", allowed, abi.HTTPFetchRequest{URL: srv.URL + "/slow", TimeoutMS: 50}, abi.StatusTimeout, 0, "", nil},
		{"nil grant denies", nil, abi.HTTPFetchRequest{URL: srv.URL + "/ok"}, abi.StatusDenied, 0, "", nil},
		{"empty grant denies", &HTTPGrant{}, abi.HTTPFetchRequest{URL: srv.URL + "/ok"}, abi.StatusDenied, 0, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			resp, err := tc.g.Fetch(context.Background(), tc.req)
			if st := StatusOf(err); st != tc.state {
				t.Fatalf("status %s (%v), want %s", st, err, tc.state)
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
			if err != nil {
				return
			}
			if resp.Status != tc.status || string(resp.Body) != tc.body {
				t.Fatalf("response %d %q, want %d %q", resp.Status, resp.Body, tc.status, tc.body)
			}
			for k, v := range tc.headers {
				if got := resp.Headers[k]; len(got) != 1 || got[0] != v {
					t.Fatalf("header %s = %v, want %q", k, got, v)
				}
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("a redirect was followed %d times", n)
	}
}

func TestHTTPGrantParentDeadline(t *testing.T) {
	srv, _ := testServer(t)
	g := loopbackGrant(t, srv, true)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := g.Fetch(ctx, abi.HTTPFetchRequest{URL: srv.URL + "/slow"}); StatusOf(err) != abi.StatusTimeout {
		t.Fatalf("err = %v", err)
	}
}

// TestHTTPGrantHostCredential: a host-set bearer token reaches the server
// as Authorization, and a module cannot set Authorization itself.
func TestHTTPGrantHostCredential(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	hp, err := ParseHostPattern(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	g := &HTTPGrant{AllowHTTP: true, AllowPrivate: true, Hosts: []HostPattern{hp}, BearerToken: "s3cret"}
	if _, err := g.Fetch(context.Background(), abi.HTTPFetchRequest{URL: srv.URL + "/x"}); err != nil {
		t.Fatal(err)
	}
	if got.Load() != "Bearer s3cret" {
		t.Fatalf("Authorization = %v", got.Load())
	}
	_, err = g.Fetch(context.Background(), abi.HTTPFetchRequest{URL: srv.URL + "/x", Headers: map[string]string{"Authorization": "Bearer mine"}})
	if err == nil {
		t.Fatal("a module set Authorization")
	}
}

// TestHTTPGrantPrivateCIDRs: a private range in PrivateCIDRs is reachable
// without AllowPrivate; other private addresses stay refused.
func TestHTTPGrantPrivateCIDRs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	hp, _ := ParseHostPattern(u.Host)
	g := &HTTPGrant{AllowHTTP: true, Hosts: []HostPattern{hp}}
	if _, err := g.Fetch(context.Background(), abi.HTTPFetchRequest{URL: srv.URL}); err == nil {
		t.Fatal("loopback reached without AllowPrivate")
	}
	g.PrivateCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	if _, err := g.Fetch(context.Background(), abi.HTTPFetchRequest{URL: srv.URL}); err != nil {
		t.Fatalf("loopback inside PrivateCIDRs: %v", err)
	}
}
