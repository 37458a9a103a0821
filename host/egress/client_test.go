package egress

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// loopback serves /ok, /redirect (302 to the metadata address) and /target
// on 127.0.0.1, counting hits on /target.
func loopback(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/redirect-self", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/target", http.StatusFound)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "followed")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func get(t *testing.T, c *http.Client, raw string) (*http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	return resp, err
}

func TestClient_loopback(t *testing.T) {
	srv, hits := loopback(t)
	u, _ := url.Parse(srv.URL)
	_, port, _ := net.SplitHostPort(u.Host)
	pats := mustPatterns(t, u.Host, "localhost:"+port)

	cases := []struct {
		name   string
		p      *Policy
		url    string
		status int   // 0 = refused
		want   error // the sentinel of a refusal
	}{
		{"loopback refused at dial", &Policy{Allowlist: pats, AllowHTTP: true}, srv.URL + "/ok", 0, ErrRefused},
		{"name resolving to loopback refused at dial", &Policy{Allowlist: pats, AllowHTTP: true}, "http://localhost:" + port + "/ok", 0, ErrRefused},
		{"loopback allowed with AllowPrivate", &Policy{Allowlist: pats, AllowHTTP: true, AllowPrivate: true}, srv.URL + "/ok", 200, nil},
		{"loopback allowed by CIDR exception", &Policy{Allowlist: pats, AllowHTTP: true, PrivateCIDRAllowlist: mustPrefixes("127.0.0.0/8", "::1/128")}, "http://localhost:" + port + "/ok", 200, nil},
		{"not allowlisted", &Policy{Allowlist: mustPatterns(t, "example.com"), AllowHTTP: true, AllowPrivate: true}, srv.URL + "/ok", 0, ErrRefused},
		{"http not allowed", &Policy{Allowlist: pats, AllowPrivate: true}, srv.URL + "/ok", 0, ErrRefused},
		{"redirect to metadata returned, not followed", &Policy{Allowlist: pats, AllowHTTP: true, AllowPrivate: true}, srv.URL + "/redirect", 302, nil},
		{"same-host redirect not followed", &Policy{Allowlist: pats, AllowHTTP: true, AllowPrivate: true}, srv.URL + "/redirect-self", 302, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.p.Client(time.Second, nil)
			defer c.CloseIdleConnections()
			resp, err := get(t, c, tc.url)
			if tc.status == 0 {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil || resp.StatusCode != tc.status {
				t.Fatalf("resp %v, err %v; want status %d", resp, err, tc.status)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("a redirect was followed %d times", n)
	}
}

func TestClient_ignoresProxyEnvironment(t *testing.T) {
	srv, _ := loopback(t)
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	u, _ := url.Parse(srv.URL)
	p := &Policy{Allowlist: mustPatterns(t, u.Host), AllowHTTP: true, AllowPrivate: true}
	c := p.Client(time.Second, &ClientOptions{DisableKeepAlives: true})
	resp, err := get(t, c, srv.URL+"/ok")
	if err != nil || resp.StatusCode != 200 || proxied.Load() != 0 {
		t.Fatalf("resp %v err %v proxied %d", resp, err, proxied.Load())
	}
}

func TestClient_maxResponseHeaderBytes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 64; i++ {
			w.Header().Add("X-Pad", strings.Repeat("a", 100))
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	p := &Policy{Allowlist: mustPatterns(t, u.Host), AllowHTTP: true, AllowPrivate: true}
	c := p.Client(time.Second, &ClientOptions{MaxResponseHeaderBytes: 1024})
	defer c.CloseIdleConnections()
	if _, err := get(t, c, srv.URL); err == nil {
		t.Fatal("oversized header accepted")
	}
}

func mustPrefixes(list ...string) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}
