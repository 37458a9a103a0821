package mcpclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/egress"
	"github.com/decision-gate/dgw/host/internal/mcpstub"
)

// httpVariants are the HTTP stub set-ups every HTTP test runs against.
var httpVariants = []struct {
	name string
	cfg  mcpstub.Config
}{
	{"dg_evidence_v1", mcpstub.Config{Protocol: ProtocolDGEvidence}},
	{"mcp/json", mcpstub.Config{Protocol: ProtocolMCP}},
	{"mcp/sse", mcpstub.Config{Protocol: ProtocolMCP, SSE: true}},
	{"mcp/stateless", mcpstub.Config{Protocol: ProtocolMCP, Stateless: true}},
}

func TestHTTP_happyPath(t *testing.T) {
	for _, v := range httpVariants {
		t.Run(v.name, func(t *testing.T) {
			noLeaks(t)
			srv := mcpstub.NewHTTP(t, v.cfg)
			c := newClient(t, httpOptions(t, srv, v.cfg.Protocol))
			for i := range 3 {
				res, err := call(t, c, "value", `{"value":"hello","anchor":"x"}`)
				wantValue(t, res, err, `"hello"`)
				if res.EvidenceAnchor == nil || res.EvidenceAnchor.AnchorValue != "x" {
					t.Fatalf("call %d: anchor %+v", i, res.EvidenceAnchor)
				}
			}
			h := srv.LastHeader()
			if h.Get("Authorization") != "Bearer tok-123" || h.Get("X-Correlation-Id") != "corr-42" ||
				h.Get("Content-Type") != "application/json" {
				t.Fatalf("headers = %v", h)
			}
			if v.cfg.Protocol == ProtocolMCP {
				if srv.Inits() != 1 {
					t.Fatalf("%d initialize requests, want 1", srv.Inits())
				}
				if (h.Get("Mcp-Session-Id") == "") != v.cfg.Stateless || h.Get("Mcp-Protocol-Version") == "" {
					t.Fatalf("session headers = %v", h)
				}
			}
		})
	}
}

func TestHTTP_dgEvidenceHandshakeSendsNothing(t *testing.T) {
	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolDGEvidence})
	c := newClient(t, httpOptions(t, srv, ProtocolDGEvidence))
	if info, err := c.Handshake(context.Background()); err != nil || info.ProtocolVersion != "" || info.ServerInfo != nil {
		t.Fatalf("Handshake = %+v, %v", info, err)
	}
	if srv.Requests() != 0 {
		t.Fatalf("handshake sent %d requests", srv.Requests())
	}
	res, err := call(t, c, "value", `{"value":2}`)
	wantValue(t, res, err, `2`)
}

func TestHTTP_failures(t *testing.T) {
	cases := []struct {
		check string
		mcp   bool // mcp only
		code  Code
		msg   string
	}{
		{"malformed", false, CodeMalformed, "not a JSON object"},
		{"text", false, CodeTextResult, "unexpected text response: plain text instead of evidence"},
		{"empty", false, CodeEmptyResult, "empty tool result"},
		{"rpc_error", false, CodeRPCError, "provider failed on purpose"},
		{"wrong_id", false, CodeMalformed, "does not match request id"},
		{"tool_error", true, CodeToolError, "the tool failed"},
		{"exit", false, CodeTransport, "http request failed"},
	}
	for _, v := range httpVariants {
		srv := mcpstub.NewHTTP(t, v.cfg)
		for _, tc := range cases {
			if tc.mcp && v.cfg.Protocol != ProtocolMCP {
				continue
			}
			t.Run(v.name+"/"+tc.check, func(t *testing.T) {
				c := newClient(t, httpOptions(t, srv, v.cfg.Protocol))
				_, err := call(t, c, tc.check, "")
				wantCode(t, err, tc.code, tc.msg)
				res, err := call(t, c, "value", `{"value":"after"}`)
				wantValue(t, res, err, `"after"`)
			})
		}
	}
}

func TestHTTP_structuredContent(t *testing.T) {
	for _, v := range httpVariants {
		t.Run(v.name, func(t *testing.T) {
			srv := mcpstub.NewHTTP(t, v.cfg)
			c := newClient(t, httpOptions(t, srv, v.cfg.Protocol))
			res, err := call(t, c, "structured", "")
			if v.cfg.Protocol == ProtocolMCP {
				wantValue(t, res, err, `"structured"`)
			} else {
				wantCode(t, err, CodeTextResult, "unexpected text response")
			}
		})
	}
}

func TestHTTP_statusFailure(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: proto, Mode: "status:502"})
			c := newClient(t, httpOptions(t, srv, proto))
			_, err := call(t, c, "value", `{"value":1}`)
			if proto == ProtocolMCP {
				wantCode(t, err, CodeHandshake, "http request failed with status 502")
			} else {
				wantCode(t, err, CodeHTTPStatus, "http request failed with status 502")
			}
		})
	}
}

func TestHTTP_hungBackend(t *testing.T) {
	for _, v := range httpVariants {
		t.Run(v.name, func(t *testing.T) {
			noLeaks(t)
			srv := mcpstub.NewHTTP(t, v.cfg)
			opts := httpOptions(t, srv, v.cfg.Protocol)
			opts.RequestTimeout = 300 * time.Millisecond
			c := newClient(t, opts)
			if _, err := c.Handshake(context.Background()); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err := call(t, c, "hang", "")
			took := time.Since(start)
			e := wantCode(t, err, CodeTimeout, "http request timed out")
			if e.EvidenceCode() != "timeout" {
				t.Fatal(e.EvidenceCode())
			}
			if took < opts.RequestTimeout || took > opts.RequestTimeout+500*time.Millisecond {
				t.Fatalf("timed out after %v", took)
			}
			res, err := call(t, c, "value", `{"value":"again"}`)
			wantValue(t, res, err, `"again"`)
		})
	}
}

func TestHTTP_oversizeBody(t *testing.T) {
	for _, v := range httpVariants {
		t.Run(v.name, func(t *testing.T) {
			srv := mcpstub.NewHTTP(t, v.cfg)
			c := newClient(t, httpOptions(t, srv, v.cfg.Protocol)) // 1 MiB cap
			_, err := call(t, c, "oversize", `{"bytes":2097152}`)
			wantCode(t, err, CodeOversize, "over 1048576 bytes")
			res, err := call(t, c, "value", `{"value":3}`)
			wantValue(t, res, err, `3`)
		})
	}
}

// TestHTTP_redirectNotFollowed: a 302 to the metadata address, or to
// another allowlisted server, is a failure and is never followed.
func TestHTTP_redirectNotFollowed(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer target.Close()
	for _, loc := range []string{"http://169.254.169.254/latest/meta-data/", target.URL + "/rpc"} {
		for _, proto := range protocols {
			t.Run(proto+"/"+loc, func(t *testing.T) {
				srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: proto, Mode: "redirect:" + loc})
				opts := httpOptions(t, srv, proto)
				opts.Egress.Allowlist = append(opts.Egress.Allowlist, egress.Pattern{Host: "*"})
				c := newClient(t, opts)
				_, err := call(t, c, "value", `{"value":1}`)
				e := wantCode(t, err, map[string]Code{ProtocolMCP: CodeHandshake, ProtocolDGEvidence: CodeHTTPStatus}[proto],
					"http request failed with status 302")
				if !e.Counted() {
					t.Fatal("not counted")
				}
			})
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("redirect followed %d times", hits.Load())
	}
}

func TestHTTP_egressRefusals(t *testing.T) {
	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolMCP})
	u, _ := url.Parse(srv.URL)
	_, port, _ := net.SplitHostPort(u.Host)
	allowed := loopbackPolicy(t, srv.URL, true)
	cases := []struct {
		name   string
		url    string
		policy *egress.Policy
		msg    string
		dial   bool // refused at dial time rather than by the URL check
	}{
		{"not allowlisted", srv.URL, &egress.Policy{Allowlist: []egress.Pattern{{Host: "example.com"}}, AllowHTTP: true, AllowPrivate: true}, "not on the allowlist", false},
		{"loopback refused without allow_private", srv.URL, loopbackPolicy(t, srv.URL, false), "not a public address", true},
		{"name resolving to loopback refused at dial", "http://localhost:" + port, &egress.Policy{Allowlist: []egress.Pattern{{Host: "localhost", Port: port}}, AllowHTTP: true}, "not a public address", true},
		{"http needs allow_http", srv.URL, &egress.Policy{Allowlist: allowed.Allowlist, AllowPrivate: true}, "scheme http not allowed", false},
		{"nil policy refuses all", srv.URL, nil, "no egress policy", false},
		{"user info", strings.Replace(srv.URL, "//", "//user:pw@", 1), allowed, "user information", false},
	}
	for _, proto := range protocols {
		for _, tc := range cases {
			t.Run(proto+"/"+tc.name, func(t *testing.T) {
				before := srv.Requests()
				opts := httpOptions(t, srv, proto)
				opts.URL, opts.Egress = tc.url, tc.policy
				c := newClient(t, opts)
				_, err := c.Handshake(context.Background())
				if tc.dial && proto == ProtocolDGEvidence {
					// dg_evidence_v1 handshakes by checking the URL only;
					// the address is checked when a call dials.
					if err != nil {
						t.Fatalf("Handshake: %v", err)
					}
					_, err = call(t, c, "value", `{"value":1}`)
				}
				e := wantCode(t, err, CodeEgressDenied, tc.msg)
				if e.Counted() || e.EvidenceCode() != "provider_error" {
					t.Fatal("an egress refusal must not count against the backend")
				}
				if !strings.Contains(e.Msg, "127.0.0.1") && !strings.Contains(e.Msg, "localhost") {
					t.Fatalf("message does not name the host: %q", e.Msg)
				}
				_, err = call(t, c, "value", `{"value":1}`)
				wantCode(t, err, CodeEgressDenied, tc.msg)
				if srv.Requests() != before {
					t.Fatal("a refused request reached the server")
				}
			})
		}
	}
}

func TestStreamable_mcpAgainstDGEvidenceProvider(t *testing.T) {
	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolDGEvidence})
	c := newClient(t, httpOptions(t, srv, ProtocolMCP))
	_, err := c.Handshake(context.Background())
	wantCode(t, err, CodeHandshake, "method not found")
}

func TestStreamable_handshake(t *testing.T) {
	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolMCP, SSE: true})
	c := newClient(t, httpOptions(t, srv, ProtocolMCP))
	info, err := c.Handshake(context.Background())
	if err != nil || info.ProtocolVersion != supportedVersions[0] || info.ServerInfo["name"] != "mcpstub" || len(info.ToolsSchemaHash) != 64 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	if _, err := c.Handshake(context.Background()); err != nil || srv.Inits() != 1 {
		t.Fatalf("second Handshake: %v, %d inits", err, srv.Inits())
	}
	for _, mode := range []string{"badversion", "notool"} {
		bad := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolMCP, Mode: mode})
		_, err := newClient(t, httpOptions(t, bad, ProtocolMCP)).Handshake(context.Background())
		wantCode(t, err, CodeHandshake, "")
	}
}

func TestStreamable_sessionExpiry(t *testing.T) {
	for _, sse := range []bool{false, true} {
		srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolMCP, SSE: sse})
		c := newClient(t, httpOptions(t, srv, ProtocolMCP))
		res, err := call(t, c, "value", `{"value":1}`)
		wantValue(t, res, err, `1`)
		first := srv.LastHeader().Get("Mcp-Session-Id")
		srv.ExpireSessions()
		res, err = call(t, c, "value", `{"value":2}`)
		wantValue(t, res, err, `2`)
		second := srv.LastHeader().Get("Mcp-Session-Id")
		if srv.Inits() != 2 || first == "" || second == "" || first == second {
			t.Fatalf("inits %d, sessions %q → %q", srv.Inits(), first, second)
		}
		res, err = call(t, c, "value", `{"value":3}`)
		wantValue(t, res, err, `3`)
		if srv.Inits() != 2 {
			t.Fatalf("re-initialised without need: %d", srv.Inits())
		}
	}
}

func TestStreamable_closeEndsSession(t *testing.T) {
	noLeaks(t)
	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolMCP})
	c, err := New(httpOptions(t, srv, ProtocolMCP))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, c, "value", `{"value":1}`); err != nil {
		t.Fatal(err)
	}
	id := srv.LastHeader().Get("Mcp-Session-Id")
	if err := c.Close(); err != nil || c.Close() != nil {
		t.Fatal("Close failed")
	}
	if got := srv.Deleted(); len(got) != 1 || got[0] != id {
		t.Fatalf("deleted sessions %v, want [%s]", got, id)
	}
	_, err = call(t, c, "value", `{"value":1}`)
	wantCode(t, err, CodeClosed, "")
}

func TestHTTP_concurrentCalls(t *testing.T) {
	for _, v := range httpVariants {
		t.Run(v.name, func(t *testing.T) {
			noLeaks(t)
			srv := mcpstub.NewHTTP(t, v.cfg)
			c := newClient(t, httpOptions(t, srv, v.cfg.Protocol))
			var wg sync.WaitGroup
			var failed atomic.Int32
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 5 {
						if _, err := call(t, c, "value", `{"value":0}`); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			if failed.Load() != 0 || (v.cfg.Protocol == ProtocolMCP && srv.Inits() != 1) {
				t.Fatalf("%d failures, %d inits", failed.Load(), srv.Inits())
			}
		})
	}
}

func TestHTTP_parentCancel(t *testing.T) {
	srv := mcpstub.NewHTTP(t, mcpstub.Config{Protocol: ProtocolDGEvidence})
	c := newClient(t, httpOptions(t, srv, ProtocolDGEvidence))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.Call(ctx, query("hang", ""), evCtx())
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeTransport || !strings.Contains(e.Msg, "canceled") {
		t.Fatalf("err = %v", err)
	}
}

func TestHTTP_closeDuringCall(t *testing.T) {
	for _, v := range httpVariants {
		t.Run(v.name, func(t *testing.T) {
			noLeaks(t)
			srv := mcpstub.NewHTTP(t, v.cfg)
			c, err := New(httpOptions(t, srv, v.cfg.Protocol))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Handshake(context.Background()); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := call(t, c, "hang", "")
				done <- err
			}()
			time.Sleep(100 * time.Millisecond)
			_ = c.Close()
			select {
			case err := <-done:
				wantCode(t, err, CodeClosed, "")
			case <-time.After(2 * time.Second):
				t.Fatal("call in progress did not end on Close")
			}
		})
	}
}
