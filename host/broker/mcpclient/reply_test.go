package mcpclient

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeReply(t *testing.T) {
	cases := []struct {
		name, in string
		code     Code // "" = success
		msg      string
	}{
		{"result", `{"jsonrpc":"2.0","id":7,"result":{"content":[]}}`, "", ""},
		{"result without jsonrpc", `{"id":7,"result":{}}`, "", ""},
		{"rpc error", `{"jsonrpc":"2.0","id":7,"error":{"code":-32000,"message":"boom"}}`, CodeRPCError, "boom"},
		{"rpc error with null id", `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"bad frame"}}`, CodeRPCError, "bad frame"},
		{"rpc error without message", `{"id":7,"error":{"code":-32601}}`, CodeRPCError, "json-rpc error -32601"},
		{"rpc error long message", `{"id":7,"error":{"code":1,"message":"` + strings.Repeat("é", 600) + `"}}`, CodeRPCError, "…"},
		{"rpc error other id", `{"id":8,"error":{"code":1,"message":"x"}}`, CodeMalformed, "does not match"},
		{"wrong id", `{"id":8,"result":{}}`, CodeMalformed, "does not match request id 7"},
		{"string id", `{"id":"7","result":{}}`, CodeMalformed, "does not match"},
		{"no id", `{"result":{}}`, CodeMalformed, "does not match"},
		{"null result", `{"id":7,"result":null}`, CodeMalformed, "neither result nor error"},
		{"nothing", `{"id":7}`, CodeMalformed, "neither result nor error"},
		{"notification", `{"jsonrpc":"2.0","method":"notifications/message"}`, CodeMalformed, "expected a reply"},
		{"array", `[{"id":7,"result":{}}]`, CodeMalformed, "not a JSON object"},
		{"garbage", `this is not json {`, CodeMalformed, "not a JSON object"},
		{"bad json", `{"id":7,`, CodeMalformed, "invalid json-rpc reply"},
		{"bad error object", `{"id":7,"error":"boom"}`, CodeMalformed, "invalid json-rpc error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, e := decodeReply([]byte(tc.in), 7)
			checkErr(t, e, tc.code, tc.msg)
		})
	}
}

func checkErr(t *testing.T, e *Error, code Code, msg string) {
	t.Helper()
	switch {
	case code == "" && e != nil:
		t.Fatalf("unexpected error %v", e)
	case code != "" && e == nil:
		t.Fatalf("no error, want %s", code)
	case code != "" && (e.Code != code || !strings.Contains(e.Msg, msg)):
		t.Fatalf("error %v, want %s with %q", e, code, msg)
	case e != nil && len(e.Msg) > maxMessageText+200:
		t.Fatalf("message of %d bytes not truncated", len(e.Msg))
	}
}

func TestDecodeToolResult(t *testing.T) {
	const ev = `{"value":{"kind":"json","value":true},"lane":"asserted","unknown_field":1}`
	cases := []struct {
		name, in string
		mcpOnly  bool // the same input under dg_evidence_v1 gives dgCode
		code     Code
		msg      string
		dgCode   Code
	}{
		{"json item", `{"content":[{"type":"json","json":` + ev + `}]}`, false, "", "", ""},
		{"only the first item", `{"content":[{"type":"json","json":` + ev + `},{"type":"text","text":"x"}]}`, false, "", "", ""},
		{"text item", `{"content":[{"type":"text","text":"hello"}]}`, false, CodeTextResult, "unexpected text response: hello", ""},
		{"long text item", `{"content":[{"type":"text","text":"` + strings.Repeat("a", 2000) + `"}]}`, false, CodeTextResult, "…", ""},
		{"empty list", `{"content":[]}`, false, CodeEmptyResult, "empty tool result", ""},
		{"no content", `{}`, false, CodeMalformed, "no content", ""},
		{"image item", `{"content":[{"type":"image","data":""}]}`, false, CodeMalformed, "unsupported content type", ""},
		{"json item without json", `{"content":[{"type":"json"}]}`, false, CodeMalformed, "has no json", ""},
		{"json item not an object", `{"content":[{"type":"json","json":[1]}]}`, false, CodeMalformed, "invalid evidence result", ""},
		{"json item bad lane", `{"content":[{"type":"json","json":{"lane":"sideways"}}]}`, false, CodeMalformed, "unknown trust lane", ""},
		{"json item bad value", `{"content":[{"type":"json","json":{"value":{"kind":"json"}}}]}`, false, CodeMalformed, "missing field", ""},
		{"content not a list", `{"content":{}}`, false, CodeMalformed, "invalid tool result", ""},
		{"result not an object", `[1]`, false, CodeMalformed, "not a JSON object", ""},
		{"structured content", `{"content":[{"type":"text","text":"{}"}],"structuredContent":` + ev + `}`, true, "", "", CodeTextResult},
		{"structured content alone", `{"content":[],"structuredContent":` + ev + `}`, true, "", "", CodeEmptyResult},
		{"structured content not an object", `{"content":[{"type":"text","text":"x"}],"structuredContent":[1]}`, true, CodeTextResult, "", CodeTextResult},
		{"is error", `{"isError":true,"content":[{"type":"text","text":"nope"}]}`, true, CodeToolError, "tool error: nope", CodeTextResult},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, e := decodeToolResult(json.RawMessage(tc.in), ProtocolMCP)
			checkErr(t, e, tc.code, tc.msg)
			if e == nil && (res.Value == nil || string(res.Value.JSON) != "true" || res.Lane.String() != "asserted") {
				t.Fatalf("result %+v", res)
			}
			dg := tc.code
			if tc.mcpOnly {
				dg = tc.dgCode
			}
			_, e = decodeToolResult(json.RawMessage(tc.in), ProtocolDGEvidence)
			if (e == nil) != (dg == "") || e != nil && e.Code != dg {
				t.Fatalf("dg_evidence_v1: %v, want %q", e, dg)
			}
		})
	}
}

func FuzzDecodeReply(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"json","json":{"value":{"kind":"json","value":1}}}]}}`,
		`{"id":1,"result":{"content":[{"type":"text","text":"x"}]}}`,
		`{"id":1,"result":{"content":[],"structuredContent":{"lane":"verified"}}}`,
		`{"id":1,"result":{"isError":true,"content":[]}}`,
		`{"id":null,"error":{"code":-32600,"message":"m"}}`,
		`{"id":1,"result":{"content":[{"type":"json","json":{"value":{"kind":"bytes","value":[1,2]}}}]}}`,
		`[]`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		raw, e := decodeReply(in, 1)
		if e != nil {
			if e.Code != CodeMalformed && e.Code != CodeRPCError {
				t.Fatalf("code %s", e.Code)
			}
			return
		}
		for _, proto := range protocols {
			res, e := decodeToolResult(raw, proto)
			if e != nil {
				continue
			}
			// A decoded result re-encodes and decodes to the same bytes.
			b, err := json.Marshal(res)
			if err != nil {
				t.Fatalf("marshal %+v: %v", res, err)
			}
			again, e := decodeEvidence(b)
			if e != nil {
				t.Fatalf("re-decode %s: %v", b, e)
			}
			b2, _ := json.Marshal(again)
			if string(b) != string(b2) {
				t.Fatalf("unstable: %s → %s", b, b2)
			}
		}
	})
}
