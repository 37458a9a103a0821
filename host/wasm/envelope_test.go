package wasm

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// abiFixture reads a shared round-trip fixture from abi/testdata.
func abiFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "abi", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEncodeQueryMatchesFixture(t *testing.T) {
	m := &Module{config: json.RawMessage(`{"allowlist":["DEPLOY_ENV"]}`)}
	ec := evidence.Context{TenantID: 1, NamespaceID: 7, RunID: "run-1", ScenarioID: "release", StageID: "gate",
		TriggerID: "t-1", TriggerTime: evidence.AtMillis(1710000000000)}
	got, err := m.encodeQuery(evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"DEPLOY_ENV"}`)}, ec)
	if err != nil {
		t.Fatal(err)
	}
	if want := abiFixture(t, "query_request.json"); !bytes.Equal(got, want) {
		t.Fatalf("request\n got %s\nwant %s", got, want)
	}
	corr := "corr-9"
	ec = evidence.Context{TenantID: 1<<64 - 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", StageID: "st", TriggerID: "t",
		TriggerTime: evidence.AtLogical(1<<64 - 1), CorrelationID: &corr}
	m.config = json.RawMessage(`{}`)
	got, _ = m.encodeQuery(evidence.Query{CheckID: "now", Params: []byte("null")}, ec)
	if want := abiFixture(t, "query_request_logical.json"); !bytes.Equal(got, want) {
		t.Fatalf("request\n got %s\nwant %s", got, want)
	}
	if _, err := m.encodeQuery(evidence.Query{CheckID: "now"}, evidence.Context{}); err == nil {
		t.Fatal("a context without trigger time was encoded")
	}
}

// TestDecodeResponseFixtures decodes the shared response fixtures into the
// evidence wire type and checks that it marshals back to the same bytes:
// what a module writes is exactly what the run record holds.
func TestDecodeResponseFixtures(t *testing.T) {
	for _, name := range []string{"response_ok.json", "response_bytes.json", "response_inband_error.json"} {
		t.Run(name, func(t *testing.T) {
			raw := abiFixture(t, name)
			res, err := decodeResponse(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			var env struct{ Result json.RawMessage }
			_ = json.Unmarshal(raw, &env)
			if !bytes.Equal(got, env.Result) {
				t.Fatalf("result\n got %s\nwant %s", got, env.Result)
			}
		})
	}
	_, err := decodeResponse(abiFixture(t, "response_error.json"))
	if errcode.Of(err) != errcode.ProviderFailed || errcode.Message(err) != "url host not allowed" {
		t.Fatalf("error envelope: %v", err)
	}
}

func TestDecodeResponseMalformed(t *testing.T) {
	const nulls = `"error":null,"evidence_hash":null,"evidence_ref":null,"evidence_anchor":null,"signature":null,"content_type":null`
	cases := []struct{ name, in, msg string }{
		{"not json", `{"ok":`, "malformed response envelope"},
		{"no ok", `{"result":{}}`, "no ok field"},
		{"ok without result", `{"ok":true}`, "ok=true with result=false"},
		{"ok with null result", `{"ok":true,"result":null}`, "ok=true with result=false"},
		{"error without message object", `{"ok":false}`, "ok=false"},
		{"both", `{"ok":false,"result":{"value":null,"lane":"verified",` + nulls + `},"error":{"code":"x","message":"y"}}`, "ok=false"},
		{"asserted lane", `{"ok":true,"result":{"value":null,"lane":"asserted",` + nulls + `}}`, `lane must be "verified"`},
		{"missing lane", `{"ok":true,"result":{"value":null,` + nulls + `}}`, `lane must be "verified"`},
		{"hash set", `{"ok":true,"result":{"value":null,"lane":"verified","evidence_hash":{"algorithm":"sha256","value":"00"}}}`, "evidence_hash must be null"},
		{"signature set", `{"ok":true,"result":{"value":null,"lane":"verified","signature":{"scheme":"x","key_id":"k","signature":[1]}}}`, "signature must be null"},
		{"bad value kind", `{"ok":true,"result":{"value":{"kind":"xml","value":1},"lane":"verified"}}`, "malformed evidence result"},
		{"bad bytes", `{"ok":true,"result":{"value":{"kind":"bytes","value":[256]},"lane":"verified"}}`, "malformed evidence result"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeResponse([]byte(tc.in))
			if errcode.Of(err) != errcode.Internal || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v (%s), want %q", err, errcode.Of(err), tc.msg)
			}
		})
	}
}
