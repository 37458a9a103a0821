package abi_test

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/abi"
)

func ExamplePack() {
	v := abi.Pack(0x10000, 42)
	ptr, n := abi.Unpack(v)
	fmt.Printf("%#x %#x %d\n", v, ptr, n)
	// Output: 0x100000000002a 0x10000 42
}

func ExampleUnpack() {
	ptr, n := abi.Unpack(0x0000_0400_0000_0010)
	fmt.Println(ptr, n)
	// Output: 1024 16
}

func ExampleLookupHostFunc() {
	f, _ := abi.LookupHostFunc(abi.FuncEnvGet)
	fmt.Println(abi.ImportModule, f.Name, f.Capability, f.Params)
	// Output: dg_pv1 env_get env/v1/get 4
}

func ExampleStatus() {
	fmt.Println(abi.StatusOutsideRoot, int32(abi.StatusOutsideRoot))
	s, _ := abi.ParseStatus("denied")
	fmt.Println(int32(s))
	// Output:
	// outside_root -8
	// -1
}

func ExampleParseStatus() {
	s, ok := abi.ParseStatus("truncated")
	fmt.Println(int32(s), ok)
	// Output: -9 true
}

func ExampleParseLogLevel() {
	l, ok := abi.ParseLogLevel("warn")
	fmt.Println(int32(l), l, ok)
	// Output: 2 warn true
}

func ExampleQueryRequest() {
	req := abi.QueryRequest{
		CheckID: "get",
		Params:  json.RawMessage(`{"key":"DEPLOY_ENV"}`),
		Context: abi.Context{
			TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", StageID: "st", TriggerID: "t",
			TriggerTime: abi.Timestamp{Kind: abi.TimestampUnixMillis, Millis: 1710000000000},
		},
		Config: json.RawMessage(`{}`),
	}
	b, _ := json.Marshal(req)
	fmt.Println(string(b))
	// Output: {"check_id":"get","params":{"key":"DEPLOY_ENV"},"context":{"tenant_id":1,"namespace_id":1,"run_id":"r","scenario_id":"s","stage_id":"st","trigger_id":"t","trigger_time":{"kind":"unix_millis","value":1710000000000},"correlation_id":null},"config":{}}
}

func ExampleResponse() {
	ct := "text/plain"
	ok := abi.Response{OK: true, Result: &abi.Result{
		Value:          &abi.Value{Kind: abi.ValueJSON, Value: json.RawMessage(`"production"`)},
		Lane:           abi.LaneVerified,
		EvidenceAnchor: &abi.Anchor{AnchorType: "env", AnchorValue: "DEPLOY_ENV"},
		ContentType:    &ct,
	}}
	b, _ := json.Marshal(ok)
	fmt.Println(string(b))
	failed := abi.Response{Error: &abi.ResponseError{Code: abi.ErrorCodeProvider, Message: "invalid url"}}
	b, _ = json.Marshal(failed)
	fmt.Println(string(b), failed.Validate() == nil)
	// Output:
	// {"ok":true,"result":{"value":{"kind":"json","value":"production"},"lane":"verified","error":null,"evidence_hash":null,"evidence_ref":null,"evidence_anchor":{"anchor_type":"env","anchor_value":"DEPLOY_ENV"},"signature":null,"content_type":"text/plain"}}
	// {"ok":false,"error":{"code":"provider","message":"invalid url"}} true
}

func ExampleResponse_Validate() {
	r := abi.Response{OK: true}
	fmt.Println(r.Validate())
	// Output: abi: response: ok without result
}

func ExampleBytesValue() {
	b, _ := json.Marshal(abi.BytesValue([]byte{0, 1, 255}))
	fmt.Println(string(b))
	// Output: {"kind":"bytes","value":[0,1,255]}
}

func ExampleDescribe_Contract() {
	d := abi.Describe{
		ABI: abi.Version, ProviderID: "acme.ping", Name: "Ping", Version: "1.0.0",
		Checks: []abi.Check{{CheckID: "up", Determinism: "external", AllowedComparators: []string{"equals"}}},
	}
	b, _ := json.Marshal(d.Contract("mcp"))
	fmt.Println(string(b))
	// Output: {"provider_id":"acme.ping","name":"Ping","description":"","transport":"mcp","config_schema":{},"checks":[{"check_id":"up","description":"","determinism":"external","params_required":false,"params_schema":{},"result_schema":{},"allowed_comparators":["equals"],"anchor_types":[],"content_types":[],"examples":[]}],"notes":[]}
}

func ExampleDescribe_Validate() {
	d := abi.Describe{ABI: "pv0", ProviderID: "x"}
	fmt.Println(d.Validate())
	// Output: abi: describe: abi is "pv0", want "pv1"
}

func ExampleFSReadResponse() {
	var r abi.FSReadResponse
	_ = json.Unmarshal([]byte(`{"rel_path":"big.json","size":2097152,"data":null,"error":"limit"}`), &r)
	fmt.Println(r.RelPath, r.Size, r.Error == abi.StatusLimit)
	// Output: big.json 2097152 true
}

func ExampleHTTPFetchRequest() {
	b, _ := json.Marshal(abi.HTTPFetchRequest{URL: "https://api.example.com/health"})
	fmt.Println(string(b))
	// Output: {"url":"https://api.example.com/health"}
}
