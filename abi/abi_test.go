package abi

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// roundTrip decodes a fixture into a fresh value of v's type, encodes it
// again, and compares the result with the fixture's compact form.
func roundTrip(t *testing.T, file string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %s: %v", file, err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, raw); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("%s round trip:\n got %s\nwant %s", file, got, want.Bytes())
	}
}

func TestRoundTripFixtures(t *testing.T) {
	cases := []struct {
		file string
		v    any
	}{
		{"query_request.json", new(QueryRequest)},
		{"query_request_logical.json", new(QueryRequest)},
		{"response_ok.json", new(Response)},
		{"response_bytes.json", new(Response)},
		{"response_inband_error.json", new(Response)},
		{"response_error.json", new(Response)},
		{"describe.json", new(Describe)},
		{"fs_read_request.json", new(FSReadRequest)},
		{"fs_read_response.json", new(FSReadResponse)},
		{"fs_read_response_limit.json", new(FSReadResponse)},
		{"http_fetch_request.json", new(HTTPFetchRequest)},
		{"http_fetch_response.json", new(HTTPFetchResponse)},
	}
	for _, tc := range cases {
		t.Run(strings.TrimSuffix(tc.file, ".json"), func(t *testing.T) {
			roundTrip(t, tc.file, tc.v)
			if r, ok := tc.v.(*Response); ok {
				if err := r.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
			}
			if d, ok := tc.v.(*Describe); ok {
				if err := d.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
			}
		})
	}
}

func TestQueryRequestFields(t *testing.T) {
	var q QueryRequest
	raw, _ := os.ReadFile("testdata/query_request_logical.json")
	if err := json.Unmarshal(raw, &q); err != nil {
		t.Fatal(err)
	}
	if q.Params != nil {
		t.Errorf("absent params decoded as %s", q.Params)
	}
	if q.Context.TenantID != 1<<64-1 || q.Context.TriggerTime.Logical != 1<<64-1 {
		t.Errorf("u64 fields lost precision: %+v", q.Context)
	}
	if q.Context.CorrelationID == nil || *q.Context.CorrelationID != "corr-9" {
		t.Errorf("correlation_id = %v", q.Context.CorrelationID)
	}
}

func TestTimestampErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"unknown kind", `{"kind":"wall","value":1}`, `kind "wall"`},
		{"millis overflow", `{"kind":"unix_millis","value":9223372036854775808}`, "must be an i64"},
		{"negative logical", `{"kind":"logical","value":-1}`, "must be a u64"},
		{"fraction", `{"kind":"unix_millis","value":1.5}`, "must be an i64"},
		{"not an object", `[]`, "timestamp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ts Timestamp
			err := json.Unmarshal([]byte(tc.in), &ts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
	if _, err := json.Marshal(Timestamp{}); err == nil {
		t.Fatal("zero timestamp must not marshal")
	}
}

func TestResponseValidate(t *testing.T) {
	cases := []struct {
		name string
		r    Response
		want string
	}{
		{"ok without result", Response{OK: true}, "ok without result"},
		{"ok with error", Response{OK: true, Result: &Result{}, Error: &ResponseError{}}, "ok with error"},
		{"error missing", Response{}, "not ok without error"},
		{"error with result", Response{Result: &Result{}, Error: &ResponseError{}}, "error with result"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDescribeContractDefaults(t *testing.T) {
	d := Describe{ABI: Version, ProviderID: "x", Checks: []Check{{CheckID: "c"}}}
	before := d.Checks[0]
	got, err := json.Marshal(d.Contract("mcp"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"provider_id":"x","name":"","description":"","transport":"mcp","config_schema":{},` +
		`"checks":[{"check_id":"c","description":"","determinism":"","params_required":false,` +
		`"params_schema":{},"result_schema":{},"allowed_comparators":[],"anchor_types":[],` +
		`"content_types":[],"examples":[]}],"notes":[]}`
	if string(got) != want {
		t.Fatalf("contract:\n got %s\nwant %s", got, want)
	}
	if !reflect.DeepEqual(d.Checks[0], before) {
		t.Fatal("Contract modified its receiver")
	}
}

func TestDescribeValidate(t *testing.T) {
	cases := []struct {
		name string
		d    Describe
		want string
	}{
		{"wrong abi", Describe{ABI: "pv2", ProviderID: "x"}, `abi is "pv2"`},
		{"no id", Describe{ABI: Version}, "provider_id is empty"},
		{"empty check id", Describe{ABI: Version, ProviderID: "x", Checks: []Check{{}}}, "checks[0].check_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.d.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	for s, name := range statusNames {
		got, ok := ParseStatus(name)
		if !ok || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", name, got, ok)
		}
		if s != StatusOK && s >= 0 {
			t.Errorf("status %s must be negative", name)
		}
	}
	if Status(-42).Known() || Status(-42).String() != "status(-42)" {
		t.Error("unknown status")
	}
	if _, err := json.Marshal(FSReadResponse{Error: -42}); err == nil {
		t.Error("unknown status must not marshal")
	}
	var r FSReadResponse
	if err := json.Unmarshal([]byte(`{"error":"nope"}`), &r); err == nil {
		t.Error("unknown status name must not unmarshal")
	}
}

func TestHostFuncs(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range HostFuncs {
		if seen[f.Name] {
			t.Errorf("duplicate host function %s", f.Name)
		}
		seen[f.Name] = true
		if f.Capability != "" && !contains(Capabilities, f.Capability) {
			t.Errorf("%s needs unknown capability %s", f.Name, f.Capability)
		}
	}
	if _, ok := LookupHostFunc("launch_missiles"); ok {
		t.Error("unknown host function found")
	}
	if f, ok := LookupHostFunc(FuncHTTPFetch); !ok || f.Capability != CapHTTPFetch {
		t.Errorf("http_fetch = %+v", f)
	}
}

func TestPackUnpack(t *testing.T) {
	for _, c := range [][2]uint32{{0, 0}, {1, 2}, {0xffffffff, 0xffffffff}, {65536, 1 << 20}} {
		p, l := Unpack(Pack(c[0], c[1]))
		if p != c[0] || l != c[1] {
			t.Errorf("Unpack(Pack(%d,%d)) = %d,%d", c[0], c[1], p, l)
		}
	}
}

func TestLogLevel(t *testing.T) {
	for l := LogDebug; l <= LogError; l++ {
		if got, ok := ParseLogLevel(l.String()); !ok || got != l {
			t.Errorf("ParseLogLevel(%s) = %v %v", l, got, ok)
		}
	}
	if _, ok := ParseLogLevel("fatal"); ok || LogLevel(9).String() != "invalid" {
		t.Error("invalid level accepted")
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
