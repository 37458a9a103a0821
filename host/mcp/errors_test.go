package mcp_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/mcp"
)

func exampleSpec(t *testing.T) map[string]any {
	spec := map[string]any{"scenario_id": "s1", "namespace_id": 1, "spec_version": "1", "default_tenant_id": 1,
		"policies": []any{}, "schemas": []any{},
		"conditions": []any{map[string]any{"condition_id": "prod", "query": map[string]any{"provider_id": "env", "check_id": "get",
			"params": map[string]any{"key": "DEPLOY_ENV"}}, "comparator": "equals", "expected": "production", "policy_tags": []any{}}},
		"stages": []any{map[string]any{"stage_id": "main", "entry_packets": []any{}, "advance_to": map[string]any{"kind": "terminal"},
			"on_timeout": "fail", "gates": []any{map[string]any{"gate_id": "g", "requirement": map[string]any{"Condition": "prod"}}}}}}
	return spec
}

// TestErrorCodesAndStatuses checks each error code of the reference with
// its data.kind, retryable flag and HTTP status.
func TestErrorCodesAndStatuses(t *testing.T) {
	e := newEnv(t, setup{})
	e.mustCall("scenario_define", map[string]any{"spec": exampleSpec(t)})
	type want struct {
		status int
		code   float64
		kind   string
		msg    string
	}
	cases := []struct {
		name string
		body any
		want want
	}{
		{"bad json", []byte(`{"jsonrpc":`), want{400, -32600, "invalid_request", "invalid json-rpc request"}},
		{"no id", map[string]any{"jsonrpc": "2.0", "method": "tools/list"}, want{400, -32600, "invalid_request", "invalid json-rpc request"}},
		{"batch", []byte(`[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]`), want{400, -32600, "invalid_request", "invalid json-rpc request"}},
		{"version", map[string]any{"jsonrpc": "1.0", "id": 1, "method": "tools/list"}, want{400, -32600, "invalid_request", "invalid json-rpc version"}},
		{"method", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize"}, want{400, -32601, "method_not_found", "method not found"}},
		{"tool", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": "nope", "arguments": map[string]any{}}}, want{400, -32601, "method_not_found", "unknown tool"}},
		{"tool params", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": "providers_list"}}, want{400, -32602, "invalid_params", "invalid tool params"}},
		{"decode", callBody("scenario_define", map[string]any{}), want{400, -32602, "invalid_params", "missing field `spec`"}},
		{"capability", callBody("evidence_query", map[string]any{"query": map[string]any{"provider_id": "env", "check_id": "nope"},
			"context": evCtx()}), want{400, -32602, "invalid_params", "check_missing"}},
		{"namespace", callBody("scenario_status", map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r", "tenant_id": 2,
			"namespace_id": 1, "requested_at": ts(1), "correlation_id": nil}}), want{403, -32003, "unauthorized", "unauthorized"}},
		{"not found", callBody("scenario_start", startArgs("ghost", "r")), want{200, -32004, "not_found", "scenario not defined: ghost"}},
		{"conflict", callBody("scenario_define", map[string]any{"spec": exampleSpec(t)}), want{200, -32009, "conflict", "scenario already defined"}},
		{"control plane", callBody("scenario_trigger", map[string]any{"scenario_id": "s1", "trigger": map[string]any{"trigger_id": "t",
			"tenant_id": 1, "namespace_id": 1, "run_id": "missing", "kind": "tick", "time": ts(1), "source_id": "x"}}),
			want{200, -32030, "control_plane", "run not found: missing"}},
		{"runpack", callBody("runpack_export", map[string]any{"scenario_id": "s1", "tenant_id": 1, "namespace_id": 1, "run_id": "r0",
			"generated_at": ts(1), "include_verification": false}), want{200, -32040, "runpack", "output_dir is required when runpack storage is not configured"}},
		{"verify manifest", callBody("runpack_verify", map[string]any{"runpack_dir": "/nonexistent", "manifest_path": "manifest.json"}),
			want{200, -32040, "runpack", "invalid manifest"}},
	}
	e.mustCall("scenario_start", startArgs("s1", "r0"))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out, _ := e.rpc(tc.body)
			errObj, _ := out["error"].(map[string]any)
			if errObj == nil {
				t.Fatalf("no error: %v", out)
			}
			data := errObj["data"].(map[string]any)
			if status != tc.want.status || errObj["code"] != tc.want.code || data["kind"] != tc.want.kind ||
				!strings.Contains(errObj["message"].(string), tc.want.msg) || data["retryable"] != false {
				t.Fatalf("got status %d %v", status, errObj)
			}
		})
	}
}

func callBody(tool string, args any) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": map[string]any{"name": tool, "arguments": args}}
}

func ts(n int) map[string]any { return map[string]any{"kind": "logical", "value": n} }

func evCtx() map[string]any {
	return map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "r", "scenario_id": "s1", "stage_id": "main",
		"trigger_id": "t", "trigger_time": ts(5), "correlation_id": nil}
}

func startArgs(sid, run string) map[string]any {
	return map[string]any{"scenario_id": sid, "run_config": map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": run,
		"scenario_id": sid, "dispatch_targets": []any{}, "policy_tags": []any{}}, "started_at": ts(1), "issue_entry_packets": false}
}

func TestRequestIDEcho(t *testing.T) {
	e := newEnv(t, setup{})
	for _, tc := range []struct {
		id   any
		want string
	}{{1, "1"}, {"a", `"a"`}, {nil, "null"}} {
		_, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": tc.id, "method": "nope"})
		data := out["error"].(map[string]any)["data"].(map[string]any)
		if data["request_id"] != tc.want {
			t.Errorf("id %v: request_id %v", tc.id, data["request_id"])
		}
	}
}

func TestBearerAuth(t *testing.T) {
	e := newEnv(t, setup{auth: mcp.AuthOptions{Mode: mcp.BearerToken, TokenFingerprints: []string{mcp.Fingerprint("s3cret")}}})
	for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic s3cret"}} {
		status, out, hdr := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, h...)
		if status != 401 || out["error"].(map[string]any)["code"] != float64(-32001) || hdr.Get("WWW-Authenticate") != `Bearer realm="decision-gate"` {
			t.Fatalf("headers %v: status %d %v %v", h, status, out, hdr)
		}
	}
	status, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, "Authorization", "bearer s3cret")
	if status != 200 || len(out["result"].(map[string]any)["tools"].([]any)) != 18 {
		t.Fatalf("status %d %v", status, out)
	}
}

func TestAllowedToolsAndVisibility(t *testing.T) {
	e := newEnv(t, setup{
		auth: mcp.AuthOptions{AllowedTools: []string{"providers_list", "precheck"}},
		opts: func(o *mcp.Options) { o.Visibility = mcp.ToolVisibility{Denylist: []string{"precheck"}} },
	})
	_, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
	tools := out["result"].(map[string]any)["tools"].([]any)
	if len(tools) != 17 {
		t.Fatalf("listed %d tools; allowed_tools must not filter tools/list, visibility must", len(tools))
	}
	if st, _, errObj := e.call("scenarios_list", map[string]any{"tenant_id": 1, "namespace_id": 1}); st != 403 || errObj["code"] != float64(-32003) {
		t.Fatalf("not in allowed_tools: %d %v", st, errObj)
	}
	if st, _, errObj := e.call("precheck", map[string]any{}); st != 400 || errObj["code"] != float64(-32601) {
		t.Fatalf("hidden tool: %d %v", st, errObj)
	}
	if _, _, errObj := e.call("providers_list", map[string]any{}); errObj != nil {
		t.Fatalf("allowed: %v", errObj)
	}
}

func TestLimits(t *testing.T) {
	t.Run("body too large", func(t *testing.T) {
		e := newEnv(t, setup{topts: func(o *mcp.TransportOptions) { o.MaxBodyBytes = 64 }})
		status, out, _ := e.rpc([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"pad":"` + strings.Repeat("x", 100) + `"}}`))
		if status != 413 || out["error"].(map[string]any)["code"] != float64(-32070) {
			t.Fatalf("status %d %v", status, out)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		e := newEnv(t, setup{topts: func(o *mcp.TransportOptions) { o.RateLimiter = mcp.NewRateLimiter(2, time.Minute, 16, nil) }})
		for i := 0; i < 2; i++ {
			if st, _, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}); st != 200 {
				t.Fatalf("request %d: %d", i, st)
			}
		}
		status, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
		errObj := out["error"].(map[string]any)
		data := errObj["data"].(map[string]any)
		if status != 429 || errObj["code"] != float64(-32071) || data["kind"] != "rate_limited" || data["retryable"] != true || data["retry_after_ms"].(float64) <= 0 {
			t.Fatalf("status %d %v", status, out)
		}
	})
	t.Run("inflight", func(t *testing.T) {
		inflight := mcp.NewInflight(1)
		inflight.TryAcquire() // hold the only permit
		e := newEnv(t, setup{topts: func(o *mcp.TransportOptions) { o.Inflight = inflight }})
		status, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
		errObj := out["error"].(map[string]any)
		if status != 503 || errObj["code"] != float64(-32072) || errObj["data"].(map[string]any)["retryable"] != true {
			t.Fatalf("status %d %v", status, out)
		}
	})
	t.Run("correlation id", func(t *testing.T) {
		e := newEnv(t, setup{})
		status, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, "x-correlation-id", "bad id")
		if status != 400 || out["error"].(map[string]any)["code"] != float64(-32073) {
			t.Fatalf("status %d %v", status, out)
		}
		_, _, hdr := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, "x-correlation-id", "req-42")
		if hdr.Get("x-correlation-id") != "req-42" || !strings.HasPrefix(hdr.Get("x-server-correlation-id"), "dg-") {
			t.Fatalf("headers %v", hdr)
		}
	})
}

func TestSSEAndHealth(t *testing.T) {
	e := newEnv(t, setup{sse: true})
	resp, err := http.Post(e.url+"/rpc", "application/json", bytes.NewReader([]byte(`{"jsonrpc":"2.0","id":7,"method":"tools/list"}`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" || !strings.HasPrefix(string(body), `data: {"jsonrpc":"2.0","id":7,"result":`) ||
		strings.Count(string(body), "data: ") != 1 {
		t.Fatalf("sse reply: %s", body)
	}
	for path, want := range map[string]string{"/healthz": `{"status":"ok"}`, "/readyz": `{"status":"ready"}`} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != want {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
}
