package audit_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/evidence"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedClock is 2026-02-10T12:00:00.123Z.
var fixedClock = &audit.Options{Now: func() time.Time { return time.UnixMilli(1770724800123).UTC() }}

const (
	fixedToken = "dg-example-bearer-token"
	serverID   = "dg-00000000deadbeef-0000000000000001"
)

// goldenEvents are the sink events with their golden file names.
func goldenEvents(t testing.TB) []struct {
	name string
	ev   audit.Event
} {
	prePayload := &audit.Precheck{
		UnsafeClientCorrelationID: new("client-1"), ServerCorrelationID: serverID,
		TenantID: 7, NamespaceID: 9, ScenarioID: new("deploy"), StageID: nil,
		SchemaID: "release", SchemaVersion: "v1",
	}
	if err := prePayload.SetPayloads(map[string]any{"b": 2, "a": "<x>"}, map[string]any{"decision": "hold"}, true); err != nil {
		t.Fatal(err)
	}
	preHash := &audit.Precheck{ServerCorrelationID: serverID, TenantID: 7, NamespaceID: 9, SchemaID: "release", SchemaVersion: "v1"}
	if err := preHash.SetPayloads(map[string]any{"b": 2, "a": "<x>"}, map[string]any{"decision": "hold"}, false); err != nil {
		t.Fatal(err)
	}
	fp := audit.FingerprintToken(fixedToken)
	return []struct {
		name string
		ev   audit.Event
	}{
		{"mcp_request_full", &audit.MCPRequest{
			RequestID: audit.RequestIDText(json.RawMessage(`"req-1"`)), UnsafeClientCorrelationID: new("client-1"),
			ServerCorrelationID: serverID, Transport: audit.TransportHTTP,
			PeerIP: audit.PeerIP(netip.MustParseAddr("127.0.0.1")), Method: audit.MethodToolsCall, Tool: new("scenario_start"),
			Outcome: audit.OutcomeError, ErrorCode: new(int64(-32030)), ErrorKind: new("control_plane"),
			RequestBytes: 312, ResponseBytes: 145, ClientSubject: new("CN=agent"), Redaction: audit.RedactionFull,
		}},
		{"mcp_request_minimal", &audit.MCPRequest{Transport: audit.TransportStdio, Method: audit.MethodInvalid, Outcome: audit.OutcomeError}},
		{"mcp_request_evidence", &audit.MCPRequest{
			RequestID: audit.RequestIDText(json.RawMessage(` 42 `)), ServerCorrelationID: serverID, Transport: audit.TransportSSE,
			PeerIP: audit.PeerIP(netip.MustParseAddr("::1")), Method: audit.MethodToolsCall, Tool: new("evidence_query"),
			Outcome: audit.OutcomeOK, RequestBytes: 10, ResponseBytes: 20,
		}},
		{"precheck_hash_only", preHash},
		{"precheck_payload", prePayload},
		{"registry_audit", &audit.Registry{
			RequestID: new("3"), ServerCorrelationID: serverID, TenantID: 1, NamespaceID: 2,
			Action: audit.ActionRegister, Allowed: false, Reason: "builtin_deny_write", PrincipalID: fp.PrincipalID(),
			Roles: nil, PolicyClass: new("prod"), SchemaID: new("release"), SchemaVersion: new("v1"),
		}},
		{"registry_audit_list", &audit.Registry{
			ServerCorrelationID: serverID, TenantID: 1, NamespaceID: 2, Action: audit.ActionList, Allowed: true,
			Reason: "builtin_allow_read", PrincipalID: "loopback", Roles: []string{"TenantAdmin", "NamespaceReader"},
		}},
		{"tenant_authz", &audit.TenantAuthz{
			RequestID: new("4"), UnsafeClientCorrelationID: new("client-1"), ServerCorrelationID: serverID,
			Tool: new("scenario_status"), Allowed: true, Reason: audit.ReasonNoopAllow, PrincipalID: "stdio",
			TenantID: new(evidence.TenantID(1)), NamespaceID: new(evidence.NamespaceID(18446744073709551615)),
		}},
		{"tenant_authz_unscoped", &audit.TenantAuthz{
			ServerCorrelationID: serverID, Tool: new("providers_list"), Allowed: true, Reason: audit.ReasonNoopAllow, PrincipalID: "loopback",
		}},
		{"usage_audit", &audit.Usage{
			RequestID: new("5"), ServerCorrelationID: serverID, Tool: new("scenario_start"),
			TenantID: new(evidence.TenantID(1)), NamespaceID: new(evidence.NamespaceID(2)), PrincipalID: "loopback",
			Metric: audit.MetricRunsStarted, Units: 1, Allowed: true, Reason: audit.ReasonNoopAllow,
		}},
		{"security_dev_permissive", &audit.Security{
			Kind: audit.KindDevPermissiveEnabled, Message: new("dev-permissive enabled; trust lane lowered to asserted"),
			DevPermissive: true, NamespaceAuthority: "none",
		}},
		{"security_invalid_correlation", &audit.Security{
			ServerCorrelationID: new(serverID), Kind: audit.KindInvalidCorrelationID,
			Message: new(string(audit.RejectDisallowed)), NamespaceAuthority: "assetcore_http",
		}},
	}
}

// authzLines are the mcp_tool_authz lines with their golden file names.
func authzLines() []struct {
	name string
	ev   audit.ToolAuthz
} {
	return []struct {
		name string
		ev   audit.ToolAuthz
	}{
		{"tool_authz_allow_bearer", audit.ToolAuthz{
			Decision: audit.DecisionAllow, Action: "scenario_define", Transport: audit.TransportHTTP,
			PeerIP: new("10.0.0.8"), AuthMethod: audit.AuthBearerToken, TokenFingerprint: audit.FingerprintToken(fixedToken),
			RequestID: new(`"a"`), UnsafeClientCorrelationID: new("client-1"), ServerCorrelationID: new(serverID),
		}},
		{"tool_authz_allow_stdio", audit.ToolAuthz{
			Decision: audit.DecisionAllow, Action: audit.ActionToolsList, Transport: audit.TransportStdio,
			AuthMethod: audit.AuthLocal, Subject: new("stdio"),
		}},
		{"tool_authz_deny", audit.ToolAuthz{
			Decision: audit.DecisionDeny, Action: "precheck", Transport: audit.TransportHTTP, PeerIP: new("192.0.2.1"),
			Reason: new("unauthenticated: local-only mode requires loopback access"), ServerCorrelationID: new(serverID),
		}},
	}
}

func TestEvents_golden(t *testing.T) {
	for _, tc := range goldenEvents(t) {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := audit.New(&buf, fixedClock).Record(tc.ev); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, buf.Bytes())
		})
	}
	for _, tc := range authzLines() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := audit.NewAuthzLog(&buf).Record(tc.ev); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, buf.Bytes())
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".jsonl")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("line differs from %s\n got: %s\nwant: %s", path, got, want)
	}
}

// wantKeys lists each event's fields in the reference's order (spec §7.1,
// §7.11), independent of the golden files.
var wantKeys = map[string][]string{
	audit.EventMCPRequest: {"event", "timestamp_ms", "request_id", "unsafe_client_correlation_id", "server_correlation_id",
		"transport", "peer_ip", "method", "tool", "outcome", "error_code", "error_kind", "request_bytes", "response_bytes",
		"client_subject", "redaction"},
	audit.EventPrecheck: {"event", "timestamp_ms", "unsafe_client_correlation_id", "server_correlation_id", "tenant_id",
		"namespace_id", "scenario_id", "stage_id", "schema_id", "schema_version", "request_hash", "response_hash",
		"request", "response", "redaction"},
	audit.EventRegistry: {"event", "timestamp_ms", "request_id", "unsafe_client_correlation_id", "server_correlation_id",
		"tenant_id", "namespace_id", "action", "allowed", "reason", "principal_id", "roles", "policy_class", "schema_id",
		"schema_version"},
	audit.EventTenantAuthz: {"event", "timestamp_ms", "request_id", "unsafe_client_correlation_id", "server_correlation_id",
		"tool", "allowed", "reason", "principal_id", "tenant_id", "namespace_id"},
	audit.EventUsage: {"event", "timestamp_ms", "request_id", "unsafe_client_correlation_id", "server_correlation_id",
		"tool", "tenant_id", "namespace_id", "principal_id", "metric", "units", "allowed", "reason"},
	audit.EventSecurity: {"event", "timestamp_ms", "unsafe_client_correlation_id", "server_correlation_id", "kind",
		"message", "dev_permissive", "namespace_authority"},
	audit.EventToolAuthz: {"event", "decision", "action", "transport", "peer_ip", "auth_method", "subject",
		"token_fingerprint", "reason", "request_id", "unsafe_client_correlation_id", "server_correlation_id"},
}

// topKeys returns the top-level keys of a JSON object in document order.
func topKeys(t testing.TB, line []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", line)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestEvents_fieldsAndOrder(t *testing.T) {
	check := func(t *testing.T, line []byte) map[string]any {
		t.Helper()
		var obj map[string]any
		if err := json.Unmarshal(line, &obj); err != nil {
			t.Fatal(err)
		}
		name, _ := obj["event"].(string)
		if got := topKeys(t, line); !reflect.DeepEqual(got, wantKeys[name]) {
			t.Fatalf("%s keys\n got %q\nwant %q", name, got, wantKeys[name])
		}
		return obj
	}
	for _, tc := range goldenEvents(t) {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := audit.New(&buf, fixedClock).Record(tc.ev); err != nil {
				t.Fatal(err)
			}
			obj := check(t, buf.Bytes())
			if obj["event"] != tc.ev.EventName() || obj["timestamp_ms"] != float64(1770724800123) {
				t.Fatalf("header %v %v", obj["event"], obj["timestamp_ms"])
			}
			for _, k := range []string{"tenant_id", "namespace_id"} {
				if v, ok := obj[k]; ok && v != nil {
					if _, isStr := v.(string); !isStr {
						t.Errorf("%s = %#v, want a string", k, v)
					}
				}
			}
		})
	}
	for _, tc := range authzLines() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := audit.NewAuthzLog(&buf).Record(tc.ev); err != nil {
				t.Fatal(err)
			}
			check(t, buf.Bytes())
		})
	}
}

func TestEvents_defaults(t *testing.T) {
	record := func(ev audit.Event) map[string]any {
		var buf bytes.Buffer
		if err := audit.New(&buf, fixedClock).Record(ev); err != nil {
			t.Fatal(err)
		}
		var obj map[string]any
		if err := json.Unmarshal(buf.Bytes(), &obj); err != nil {
			t.Fatal(err)
		}
		return obj
	}
	t.Run("missing server correlation id", func(t *testing.T) {
		for _, ev := range []audit.Event{&audit.MCPRequest{}, &audit.Precheck{}, &audit.Registry{}, &audit.TenantAuthz{}, &audit.Usage{}} {
			if got := record(ev)["server_correlation_id"]; got != "missing" {
				t.Errorf("%s: server_correlation_id = %v", ev.EventName(), got)
			}
		}
		if got, ok := record(&audit.Security{})["server_correlation_id"]; !ok || got != nil {
			t.Errorf("security: server_correlation_id = %v, want null", got)
		}
	})
	t.Run("mcp redaction", func(t *testing.T) {
		if got := record(&audit.MCPRequest{Tool: new("evidence_query")})["redaction"]; got != "evidence" {
			t.Errorf("evidence_query: %v", got)
		}
		if got := record(&audit.MCPRequest{Tool: new("scenario_next")})["redaction"]; got != "full" {
			t.Errorf("scenario_next: %v", got)
		}
		if got := record(&audit.MCPRequest{})["redaction"]; got != "full" {
			t.Errorf("no tool: %v", got)
		}
	})
	t.Run("precheck redaction", func(t *testing.T) {
		if got := record(&audit.Precheck{})["redaction"]; got != "hash_only" {
			t.Errorf("no payload: %v", got)
		}
		if got := record(&audit.Precheck{Request: json.RawMessage(`{}`)})["redaction"]; got != "payload" {
			t.Errorf("payload: %v", got)
		}
	})
	t.Run("record does not mutate the event", func(t *testing.T) {
		ev := &audit.Registry{}
		record(ev)
		if !reflect.DeepEqual(ev, &audit.Registry{}) {
			t.Fatalf("mutated: %+v", ev)
		}
	})
	t.Run("pre-epoch clock clamps to zero", func(t *testing.T) {
		var buf bytes.Buffer
		sink := audit.New(&buf, &audit.Options{Now: func() time.Time { return time.Unix(-5, 0) }})
		if err := sink.Record(&audit.Security{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(buf.Bytes(), []byte(`"timestamp_ms":0,`)) {
			t.Fatalf("line %s", buf.Bytes())
		}
	})
}

func TestPrecheck_SetPayloads(t *testing.T) {
	req := map[string]any{"b": 2, "a": []int{1}}
	resp := map[string]any{"decision": map[string]any{"kind": "hold"}}
	wantReq, _ := evidence.HashJSON(req)
	wantResp, _ := evidence.HashJSON(resp)

	var ev audit.Precheck
	if err := ev.SetPayloads(req, resp, true); err != nil {
		t.Fatal(err)
	}
	if ev.RequestHash != wantReq || ev.ResponseHash != wantResp || ev.Redaction != audit.RedactionPayload ||
		string(ev.Request) != `{"a":[1],"b":2}` || string(ev.Response) != `{"decision":{"kind":"hold"}}` {
		t.Fatalf("with payloads: %+v", ev)
	}
	if err := ev.SetPayloads(req, resp, false); err != nil {
		t.Fatal(err)
	}
	if ev.RequestHash != wantReq || ev.Request != nil || ev.Response != nil || ev.Redaction != audit.RedactionHashOnly {
		t.Fatalf("hash only: %+v", ev)
	}
	before := ev
	if err := ev.SetPayloads(func() {}, resp, true); err == nil {
		t.Fatal("an unencodable request must fail")
	}
	if !reflect.DeepEqual(ev, before) {
		t.Fatal("a failed SetPayloads changed the event")
	}
}

func TestRequestIDText(t *testing.T) {
	for in, want := range map[string]any{
		``: nil, `null`: nil, ` null `: nil, `7`: "7", `"abc"`: `"abc"`, ` "a b" `: `"a b"`, `-1.5e3`: "-1.5e3",
	} {
		got := audit.RequestIDText(json.RawMessage(in))
		switch {
		case want == nil && got != nil:
			t.Errorf("%q: got %q, want nil", in, *got)
		case want != nil && (got == nil || *got != want):
			t.Errorf("%q: got %v, want %q", in, got, want)
		}
	}
}

func TestPeerIP(t *testing.T) {
	if audit.PeerIP(netip.Addr{}) != nil {
		t.Error("zero Addr must be nil")
	}
	if got := audit.PeerIP(netip.MustParseAddr("::ffff:127.0.0.1")); got == nil || *got != "::ffff:127.0.0.1" {
		t.Errorf("got %v", got)
	}
}
