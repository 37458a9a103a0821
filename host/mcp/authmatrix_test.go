package mcp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/decision-gate/dgw/host/mcp"
)

// TestAuthMatrix calls every tool under every auth mode with allowed and
// denied credentials, with and without allowed_tools and visibility rules.
// A denied caller must get the auth error before any tool logic runs; an
// allowed caller must get past auth (a tool error such as invalid params
// is then fine).
func TestAuthMatrix(t *testing.T) {
	type cred struct {
		name    string
		info    mcp.RequestInfo
		allowed bool
		code    int // expected auth error code when denied
	}
	hdr := func(k, v string) http.Header { h := http.Header{}; h.Set(k, v); return h }
	modes := []struct {
		name  string
		auth  mcp.AuthOptions
		creds []cred
	}{
		{"local_only", mcp.AuthOptions{Mode: mcp.LocalOnly}, []cred{
			{"stdio", mcp.RequestInfo{Transport: "stdio"}, true, 0},
			{"loopback v4", mcp.RequestInfo{Transport: "http", PeerIP: "127.0.0.1", Header: http.Header{}}, true, 0},
			{"loopback v6", mcp.RequestInfo{Transport: "http", PeerIP: "::1", Header: http.Header{}}, true, 0},
			{"remote", mcp.RequestInfo{Transport: "http", PeerIP: "192.0.2.7", Header: http.Header{}}, false, -32001},
			{"no peer", mcp.RequestInfo{Transport: "http", Header: http.Header{}}, false, -32001},
		}},
		{"bearer", mcp.AuthOptions{Mode: mcp.BearerToken, TokenFingerprints: []string{mcp.Fingerprint("good")}}, []cred{
			{"good", mcp.RequestInfo{Transport: "http", PeerIP: "192.0.2.7", Header: hdr("Authorization", "Bearer good")}, true, 0},
			{"wrong", mcp.RequestInfo{Transport: "http", PeerIP: "127.0.0.1", Header: hdr("Authorization", "Bearer bad")}, false, -32001},
			{"missing", mcp.RequestInfo{Transport: "http", PeerIP: "127.0.0.1", Header: http.Header{}}, false, -32001},
			{"scheme", mcp.RequestInfo{Transport: "http", PeerIP: "127.0.0.1", Header: hdr("Authorization", "Token good")}, false, -32001},
			{"stdio", mcp.RequestInfo{Transport: "stdio", Header: http.Header{}}, false, -32001},
		}},
		{"mtls", mcp.AuthOptions{Mode: mcp.MTLS, MTLSSubjects: []string{"CN=ci"}}, []cred{
			{"listed", mcp.RequestInfo{Transport: "http", PeerIP: "192.0.2.7", Header: hdr(mcp.SubjectHeader, "CN=ci")}, true, 0},
			{"unlisted", mcp.RequestInfo{Transport: "http", PeerIP: "192.0.2.7", Header: hdr(mcp.SubjectHeader, "CN=evil")}, false, -32003},
			{"missing", mcp.RequestInfo{Transport: "http", PeerIP: "127.0.0.1", Header: http.Header{}}, false, -32001},
		}},
	}
	for _, m := range modes {
		for _, restrict := range []bool{false, true} {
			auth := m.auth
			if restrict {
				auth.AllowedTools = []string{"providers_list"}
			}
			e := newEnv(t, setup{auth: auth, opts: func(o *mcp.Options) {
				o.Visibility = mcp.ToolVisibility{Denylist: []string{"scenarios_list"}}
			}})
			for _, c := range m.creds {
				for i, tool := range mcp.ToolNames {
					name := fmt.Sprintf("%s/restrict=%v/%s/%s", m.name, restrict, c.name, tool)
					body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": i, "method": "tools/call",
						"params": map[string]any{"name": tool, "arguments": map[string]any{}}})
					info := c.info
					_, out := e.handler.Handle(context.Background(), &info, body)
					code := 0
					if out.Err != nil {
						code = out.Err.Code
					}
					switch {
					case !c.allowed:
						if code != c.code {
							t.Errorf("%s: code %d, want %d", name, code, c.code)
						}
					case restrict && tool != "providers_list":
						if code != -32003 {
							t.Errorf("%s: code %d, want -32003 (allowed_tools)", name, code)
						}
					case tool == "scenarios_list":
						if code != -32601 {
							t.Errorf("%s: code %d, want -32601 (hidden)", name, code)
						}
					default:
						if code == -32001 || code == -32003 || code == -32601 {
							t.Errorf("%s: allowed caller refused with %d", name, code)
						}
					}
				}
				// tools/list is never filtered by allowed_tools, only by
				// visibility, and needs authentication.
				info := c.info
				_, out := e.handler.Handle(context.Background(), &info, []byte(`{"jsonrpc":"2.0","id":0,"method":"tools/list"}`))
				if c.allowed != (out.Err == nil) {
					t.Errorf("%s/%s tools/list: %v", m.name, c.name, out.Err)
				}
			}
		}
	}
}
