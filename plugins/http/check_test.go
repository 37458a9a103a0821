//go:build !wasip1

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

const body = "hello, decision gate\n"

// server is a loopback server with a route per behaviour under test.
func server(t *testing.T, tls bool) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method", http.StatusMethodNotAllowed)
			return
		}
		fmt.Fprint(w, body)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, strings.Repeat("x", 100)) })
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			fmt.Fprint(w, strings.Repeat("y", 10))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nshort")
		buf.Flush()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	var s *httptest.Server
	if tls {
		s = httptest.NewTLSServer(mux)
	} else {
		s = httptest.NewServer(mux)
	}
	t.Cleanup(s.Close)
	return s
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// cfg returns a full config block; extra members override the defaults
// (the last of duplicate keys wins).
func cfg(extra string) string {
	c := `"allow_http":true,"timeout_ms":5000,"max_response_bytes":1048576,"user_agent":"decision-gate/0.1","hash_algorithm":"sha256"`
	if extra != "" {
		c += "," + extra
	}
	return "{" + c + "}"
}

func TestChecks(t *testing.T) {
	s := server(t, false)
	base := s.URL // http://127.0.0.1:port
	tests := []struct {
		name    string
		check   string
		url     string
		config  string
		grant   *plugintest.HTTPGrant
		want    string
		wantErr string
	}{
		{name: "status 200", check: "status", url: base + "/ok", want: `200`},
		{name: "status 404", check: "status", url: base + "/missing", want: `404`},
		{name: "status 500", check: "status", url: base + "/error", want: `500`},
		{name: "redirect is not followed", check: "status", url: base + "/redirect", want: `302`},
		{name: "body hash", check: "body_hash", url: base + "/ok", want: `{"algorithm":"sha256","value":"` + sum(body) + `"}`},
		{name: "body hash of a redirect", check: "body_hash", url: base + "/redirect", want: `{"algorithm":"sha256","value":"` + sum("<a href=\"/ok\">Found</a>.\n\n") + `"}`},
		{name: "body at guest limit", check: "body_hash", url: base + "/big", config: `"max_response_bytes":100`, want: `{"algorithm":"sha256","value":"` + sum(strings.Repeat("x", 100)) + `"}`},
		{name: "body over guest limit", check: "body_hash", url: base + "/big", config: `"max_response_bytes":99`, wantErr: "http response exceeds size limit"},
		{name: "body over host cap", check: "body_hash", url: base + "/big", grant: &plugintest.HTTPGrant{AllowHTTP: true, MaxBytes: 50}, wantErr: "http response exceeds size limit"},
		{name: "chunked body over host cap", check: "body_hash", url: base + "/chunked", grant: &plugintest.HTTPGrant{AllowHTTP: true, MaxBytes: 50}, wantErr: "http response exceeds size limit"},
		{name: "truncated body", check: "body_hash", url: base + "/truncated", wantErr: "http response truncated"},
		{name: "timeout", check: "status", url: base + "/slow", config: `"timeout_ms":100`, wantErr: "http request failed"},
		{name: "connection refused", check: "status", url: "http://127.0.0.1:1/", wantErr: "http request failed"},
		{name: "http not allowed", check: "status", url: base + "/ok", config: `"allow_http":false`, wantErr: "unsupported url scheme"},
		{name: "http by default config", check: "status", url: base + "/ok", config: "-", wantErr: "unsupported url scheme"},
		{name: "ftp", check: "status", url: "ftp://127.0.0.1/x", wantErr: "unsupported url scheme"},
		{name: "file", check: "body_hash", url: "file:///etc/passwd", wantErr: "unsupported url scheme"},
		{name: "invalid url", check: "status", url: "not a url", wantErr: "invalid url"},
		{name: "invalid port", check: "status", url: "http://127.0.0.1:99999/", wantErr: "invalid url"},
		{name: "host allowed", check: "status", url: base + "/ok", config: `"allowed_hosts":["127.0.0.1"]`, want: `200`},
		{name: "host not allowed", check: "status", url: base + "/ok", config: `"allowed_hosts":["example.com"]`, wantErr: "url host not allowed"},
		{name: "empty allowlist", check: "status", url: base + "/ok", config: `"allowed_hosts":[]`, wantErr: "url host not allowed"},
		{name: "host denied by the host", check: "status", url: base + "/ok", grant: &plugintest.HTTPGrant{AllowHTTP: true, AllowedHosts: []string{"example.com"}}, wantErr: "http request failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.grant
			if g == nil {
				g = &plugintest.HTTPGrant{AllowHTTP: true}
			}
			h := &plugintest.Host{HTTP: g}
			sdk.SetTestHost(h)
			config := cfg(tc.config) // later keys override the defaults
			if tc.config == "-" {
				config = ""
			}
			res, err := sdk.Query(plugintest.NewCall(tc.check, `{"url":"`+tc.url+`"}`, config, 0))
			if tc.wantErr != "" {
				var pe *sdk.ProviderError
				if !errors.As(err, &pe) || pe.Message != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.HasValue || !plugintest.SameJSON(res.JSON, []byte(tc.want)) {
				t.Errorf("value = %s, want %s", res.JSON, tc.want)
			}
			if res.RefURI != tc.url || res.Anchor == nil || res.Anchor.Type != "url" || res.Anchor.Value != tc.url {
				t.Errorf("ref %q anchor %+v, want %q", res.RefURI, res.Anchor, tc.url)
			}
			if res.ContentType != "application/json" || res.Error != nil {
				t.Errorf("content type %q error %+v", res.ContentType, res.Error)
			}
			reqs := h.Requests()
			if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].URL != tc.url {
				t.Errorf("requests = %+v", reqs)
			}
		})
	}
}

// The reference and anchor are the URL in its normalised form, and that is
// also what is fetched.
func TestNormalisedURL(t *testing.T) {
	s := server(t, false)
	port := strings.TrimPrefix(s.URL, "http://127.0.0.1:")
	h := &plugintest.Host{HTTP: &plugintest.HTTPGrant{AllowHTTP: true}}
	sdk.SetTestHost(h)
	in := "HTTP://127.0.0.1:" + port + "/a/../ok"
	res, err := sdk.Query(plugintest.NewCall("status", `{"url":"`+in+`"}`, cfg(""), 0))
	if err != nil {
		t.Fatal(err)
	}
	want := "http://127.0.0.1:" + port + "/ok"
	if res.RefURI != want || res.Anchor.Value != want || string(res.JSON) != "200" {
		t.Errorf("ref %q anchor %q value %s, want %q", res.RefURI, res.Anchor.Value, res.JSON, want)
	}
	if reqs := h.Requests(); len(reqs) != 1 || reqs[0].URL != want {
		t.Errorf("requests = %+v", reqs)
	}
	host := &plugintest.Host{HTTP: &plugintest.HTTPGrant{AllowHTTP: true}}
	sdk.SetTestHost(host)
	noSlash := "http://127.0.0.1:" + port
	res, err = sdk.Query(plugintest.NewCall("status", `{"url":"`+noSlash+`"}`, cfg(""), 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.RefURI != noSlash+"/" || string(res.JSON) != "404" {
		t.Errorf("ref %q value %s", res.RefURI, res.JSON)
	}
}

func TestHTTPS(t *testing.T) {
	s := server(t, true)
	sdk.SetTestHost(&plugintest.Host{HTTP: &plugintest.HTTPGrant{Transport: s.Client().Transport}})
	url := s.URL + "/ok"
	res, err := sdk.Query(plugintest.NewCall("body_hash", `{"url":"`+url+`"}`, cfg(`"allowed_hosts":["127.0.0.1"]`), 0))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"algorithm":"sha256","value":"` + sum(body) + `"}`; string(res.JSON) != want {
		t.Errorf("value = %s, want %s", res.JSON, want)
	}
	res, err = sdk.Query(plugintest.NewCall("status", `{"url":"`+s.URL+`/redirect"}`, `{}`, 0))
	if err != nil {
		t.Fatal(err)
	}
	if string(res.JSON) != "302" {
		t.Errorf("status = %s, want 302", res.JSON)
	}
}

func TestParams(t *testing.T) {
	sdk.SetTestHost(&plugintest.Host{})
	for params, wantErr := range map[string]string{
		"":              "http check requires params",
		"null":          "http check requires params",
		`"https://x/"`:  "http params must be an object",
		`{"uri":"x"}`:   "missing url param",
		`{"url":7}`:     "url param must be a string",
		`{"url":"x"}`:   "invalid url",
		`{"url":"h:x"}`: "unsupported url scheme",
	} {
		for _, check := range []string{"status", "body_hash"} {
			_, err := sdk.Query(plugintest.NewCall(check, params, "", 0))
			var pe *sdk.ProviderError
			if !errors.As(err, &pe) || pe.Message != wantErr {
				t.Errorf("%s %s: error = %v, want %q", check, params, err, wantErr)
			}
		}
	}
}

// With an empty grant the module fails closed.
func TestDenied(t *testing.T) {
	sdk.SetTestHost(&plugintest.Host{})
	_, err := sdk.Query(plugintest.NewCall("status", `{"url":"https://example.com/"}`, "", 0))
	var pe *sdk.ProviderError
	if !errors.As(err, &pe) || pe.Message != "http request failed" {
		t.Fatalf("error = %v", err)
	}
}
