package mcp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

func transportOpts() mcp.TransportOptions {
	ids := audit.NewIDGenerator()
	return mcp.TransportOptions{NewCorrelationID: ids.Next, SanitizeCorrelationID: audit.SanitizeClientCorrelationID}
}

// stdioSession starts ServeStdio on pipes and returns its two ends.
func stdioPipes(t *testing.T, e *env) (io.WriteCloser, io.ReadCloser) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	std := e.handler.StandardServer("decision-gate", "test", transportOpts())
	done := make(chan error, 1)
	go func() {
		err := e.handler.ServeStdio(context.Background(), inR, outW, transportOpts(), std)
		outW.Close()
		done <- err
	}()
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("stdio server did not stop at end of input")
		}
	})
	return inW, outR
}

func connectSDK(t *testing.T, tr sdk.Transport) *sdk.ClientSession {
	t.Helper()
	client := sdk.NewClient(&sdk.Implementation{Name: "dg-test", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := client.Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// lifecycle runs define → start → next → status with the official client.
func lifecycle(t *testing.T, cs *sdk.ClientSession) {
	ctx := context.Background()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tools.Tools) != 18 || tools.Tools[0].Name != "scenario_define" {
		t.Fatalf("tools: %d", len(tools.Tools))
	}
	call := func(name string, args any) map[string]any {
		t.Helper()
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.IsError {
			t.Fatalf("%s: tool error %v", name, res.Content[0].(*sdk.TextContent).Text)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(res.Content[0].(*sdk.TextContent).Text), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	call("scenario_define", map[string]any{"spec": exampleSpec(t)})
	call("scenario_start", startArgs("s1", "r1"))
	next := call("scenario_next", map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r1", "tenant_id": 1,
		"namespace_id": 1, "trigger_id": "n1", "agent_id": "agent", "time": ts(2), "correlation_id": nil}})
	if next["status"] != "completed" {
		t.Fatalf("next: %v", next)
	}
	st := call("scenario_status", map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r1", "tenant_id": 1,
		"namespace_id": 1, "requested_at": ts(3), "correlation_id": nil}})
	if st["status"] != "completed" {
		t.Fatalf("status: %v", st)
	}
	// A failing call is a tool result with isError and the reference code.
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "scenario_start", Arguments: startArgs("ghost", "r2")})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(res.Content[0].(*sdk.TextContent).Text, "not_found: scenario not defined: ghost") {
		t.Fatalf("error result: %+v", res)
	}
	rs, err := cs.ListResources(ctx, nil)
	if err != nil || len(rs.Resources) != 13 {
		t.Fatalf("resources: %v %v", err, rs)
	}
	rd, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: rs.Resources[0].URI})
	if err != nil || len(rd.Contents) != 1 || rd.Contents[0].Text == "" {
		t.Fatalf("read resource: %v", err)
	}
}

func TestGoSDKClientOverStdio(t *testing.T) {
	e := newEnv(t, setup{})
	in, out := stdioPipes(t, e)
	cs := connectSDK(t, &sdk.IOTransport{Reader: out, Writer: in})
	lifecycle(t, cs)
}

func TestGoSDKClientOverStreamableHTTP(t *testing.T) {
	e := newEnv(t, setup{})
	std := e.handler.StandardServer("decision-gate", "test", transportOpts())
	srv := httptest.NewServer(e.handler.StandardHTTPHandler(std, "/mcp", transportOpts()))
	t.Cleanup(srv.Close)
	cs := connectSDK(t, &sdk.StreamableClientTransport{Endpoint: srv.URL + "/mcp", DisableStandaloneSSE: true})
	lifecycle(t, cs)
}

type bearerRT struct{ token string }

func (b bearerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func TestGoSDKClientBearer(t *testing.T) {
	e := newEnv(t, setup{auth: mcp.AuthOptions{Mode: mcp.BearerToken, TokenFingerprints: []string{mcp.Fingerprint("tok")}}})
	std := e.handler.StandardServer("decision-gate", "test", transportOpts())
	srv := httptest.NewServer(e.handler.StandardHTTPHandler(std, "/mcp", transportOpts()))
	t.Cleanup(srv.Close)
	client := sdk.NewClient(&sdk.Implementation{Name: "dg-test", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: srv.URL + "/mcp", DisableStandaloneSSE: true, MaxRetries: -1}, nil); err == nil {
		t.Fatal("connect without a token must fail")
	}
	cs := connectSDK(t, &sdk.StreamableClientTransport{Endpoint: srv.URL + "/mcp", DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: bearerRT{"tok"}}})
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// TestContentLengthStdio speaks the reference stdio framing.
func TestContentLengthStdio(t *testing.T) {
	e := newEnv(t, setup{})
	in, out := stdioPipes(t, e)
	br := bufio.NewReader(out)
	send := func(body string, extraHeader string) map[string]any {
		t.Helper()
		fmt.Fprintf(in, "%sContent-Length: %d\r\n\r\n%s", extraHeader, len(body), body)
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "Content-Length: ") {
			t.Fatalf("header %q %v", line, err)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length: ")))
		br.ReadString('\n')
		buf := make([]byte, n)
		if _, err := io.ReadFull(br, buf); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(buf, &m); err != nil {
			t.Fatalf("body %s", buf)
		}
		return m
	}
	list := send(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, "Content-Type: application/json\r\n")
	if tools := list["result"].(map[string]any)["tools"].([]any); len(tools) != 18 || tools[0].(map[string]any)["input_schema"] == nil {
		t.Fatalf("tools/list: %v", list)
	}
	res := send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"providers_list","arguments":{}}}`, "")
	content := res["result"].(map[string]any)["content"].([]any)[0].(map[string]any)
	if content["type"] != "json" || len(content["json"].(map[string]any)["providers"].([]any)) != 4 {
		t.Fatalf("providers_list: %v", res)
	}
}

func TestStdioFrameTooLarge(t *testing.T) {
	e := newEnv(t, setup{})
	opts := transportOpts()
	opts.MaxBodyBytes = 10
	err := e.handler.ServeStdio(context.Background(), strings.NewReader("Content-Length: 11\r\n\r\n{}"), io.Discard, opts, nil)
	if err == nil || !strings.Contains(err.Error(), "exceeds max_body_bytes") {
		t.Fatalf("err = %v", err)
	}
}
