//go:build !wasip1

package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/abi"
)

// withProvider installs p for the duration of a test.
func withProvider(t *testing.T, p *Provider) {
	t.Helper()
	regMu.Lock()
	prev := registered
	registered = p
	regMu.Unlock()
	t.Cleanup(func() {
		regMu.Lock()
		registered = prev
		regMu.Unlock()
	})
}

// withHost installs h for the duration of a test.
func withHost(t *testing.T, h TestHost) {
	t.Helper()
	prev := host()
	SetTestHost(h)
	t.Cleanup(func() { SetTestHost(prev) })
}

// fakeHost answers from maps and records log lines.
type fakeHost struct {
	env   map[string]string
	files map[string]*File
	fetch func(HTTPRequest) (*HTTPResponse, error)
	logs  []string
}

func (h *fakeHost) Log(level, msg string) { h.logs = append(h.logs, level+": "+msg) }

func (h *fakeHost) EnvGet(key string) (string, bool, error) {
	if key == "SECRET" {
		return "", false, ErrDenied
	}
	v, ok := h.env[key]
	return v, ok, nil
}

func (h *fakeHost) FSRead(path string, max int) (*File, error) {
	f, ok := h.files[path]
	if !ok {
		return nil, ErrNotFound
	}
	if max > 0 && len(f.Data) > max {
		return &File{RelPath: f.RelPath, Size: f.Size}, ErrLimit
	}
	return f, nil
}

func (h *fakeHost) HTTPFetch(req HTTPRequest) (*HTTPResponse, error) { return h.fetch(req) }

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "abi", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// envProvider mirrors the abi/testdata describe.json fixture.
func envProvider() *Provider {
	return &Provider{
		ID:           "env",
		Name:         "Environment Provider",
		Description:  "Reads process environment variables with allow/deny policy and size limits.",
		Version:      "0.1.0",
		ConfigSchema: json.RawMessage(`{"type":"object"}`),
		Notes:        []string{"Returns null when a key is missing or blocked by policy."},
		Checks: []Check{{
			ID:                 "get",
			Description:        "Fetch an environment variable by key.",
			Determinism:        "external",
			ParamsRequired:     true,
			ParamsSchema:       json.RawMessage(`{"properties":{"key":{"type":"string"}},"required":["key"],"type":"object"}`),
			ResultSchema:       json.RawMessage(`{"oneOf":[{"type":"string"},{"type":"null"}]}`),
			AllowedComparators: []string{"equals", "not_equals", "contains", "in_set", "exists", "not_exists"},
			AnchorTypes:        []string{"env"},
			ContentTypes:       []string{"text/plain"},
			Examples:           json.RawMessage(`[{"description":"Read DEPLOY_ENV.","params":{"key":"DEPLOY_ENV"},"result":"production"}]`),
			Run:                runEnvGet,
		}},
	}
}

func runEnvGet(c *Call) (*Result, error) {
	var p struct{ Key string }
	if err := json.Unmarshal(c.Params, &p); err != nil {
		return nil, errors.New("env params must be an object")
	}
	v, found, err := EnvGet(p.Key)
	if err != nil {
		return nil, err
	}
	r := &Result{Anchor: &Anchor{Type: "env", Value: p.Key}, ContentType: "text/plain"}
	if found {
		return r, r.SetJSON(v)
	}
	return r, nil
}

func TestDescribeMatchesFixture(t *testing.T) {
	withProvider(t, envProvider())
	if got, want := describeJSON(), fixture(t, "describe.json"); !bytes.Equal(got, want) {
		t.Fatalf("describe:\n got %s\nwant %s", got, want)
	}
}

func TestHandleQueryMatchesFixture(t *testing.T) {
	withProvider(t, envProvider())
	withHost(t, &fakeHost{env: map[string]string{"DEPLOY_ENV": "production"}})
	if got, want := handleQuery(fixture(t, "query_request.json")), fixture(t, "response_ok.json"); !bytes.Equal(got, want) {
		t.Fatalf("response:\n got %s\nwant %s", got, want)
	}
}

func TestHandleQueryFailures(t *testing.T) {
	p := envProvider()
	p.Checks = append(p.Checks,
		Check{ID: "nil", Run: func(*Call) (*Result, error) { return nil, nil }},
		Check{ID: "panic", Run: func(*Call) (*Result, error) { panic("boom") }},
		Check{ID: "badjson", Run: func(*Call) (*Result, error) { return &Result{HasValue: true, JSON: json.RawMessage("{")}, nil }},
		Check{ID: "denied", Run: func(*Call) (*Result, error) { _, _, err := EnvGet("SECRET"); return nil, err }},
	)
	withProvider(t, p)
	withHost(t, &fakeHost{})
	ctx := `"context":{"tenant_id":1,"namespace_id":1,"run_id":"r","scenario_id":"s","stage_id":"st","trigger_id":"t","trigger_time":{"kind":"logical","value":3},"correlation_id":null},"config":{}`
	cases := []struct{ name, in, code, msg string }{
		{"not json", `{`, "invalid", "sdk: bad query request"},
		{"unknown check", `{"check_id":"nope",` + ctx + `}`, "invalid", "unsupported check: nope"},
		{"bad params", `{"check_id":"get","params":[1],` + ctx + `}`, "provider", "env params must be an object"},
		{"nil result", `{"check_id":"nil",` + ctx + `}`, "internal", "returned neither"},
		{"panic", `{"check_id":"panic",` + ctx + `}`, "internal", "check panic panicked: boom"},
		{"invalid value", `{"check_id":"badjson",` + ctx + `}`, "internal", "not valid JSON"},
		{"denied", `{"check_id":"denied",` + ctx + `}`, "denied", "sdk: capability denied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resp abi.Response
			if err := json.Unmarshal(handleQuery([]byte(tc.in)), &resp); err != nil {
				t.Fatal(err)
			}
			if resp.OK || resp.Error == nil || resp.Error.Code != tc.code || !strings.Contains(resp.Error.Message, tc.msg) {
				t.Fatalf("response = %+v, error %+v; want %s %q", resp, resp.Error, tc.code, tc.msg)
			}
		})
	}
}

func TestQueryNoProvider(t *testing.T) {
	withProvider(t, nil)
	_, err := Query(&Call{CheckID: "x", Context: Context{TriggerTime: Timestamp{Kind: Logical}}})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Code != "internal" {
		t.Fatalf("err = %v", err)
	}
	if describeJSON() != nil {
		t.Fatal("describe without provider must fail")
	}
	if _, err := ContractJSON("builtin"); err == nil {
		t.Fatal("ContractJSON without provider must fail")
	}
}

func TestQueryRoundTrip(t *testing.T) {
	withProvider(t, envProvider())
	h := &fakeHost{env: map[string]string{"DEPLOY_ENV": "staging"}}
	withHost(t, h)
	ts := Timestamp{Kind: UnixMillis, Millis: 5}
	cases := []struct {
		name    string
		params  string
		want    *Result
		wantErr error
	}{
		{"found", `{"key":"DEPLOY_ENV"}`, &Result{HasValue: true, JSON: json.RawMessage(`"staging"`), Anchor: &Anchor{"env", "DEPLOY_ENV"}, ContentType: "text/plain"}, nil},
		{"missing", `{"key":"UNSET"}`, &Result{Anchor: &Anchor{"env", "UNSET"}, ContentType: "text/plain"}, nil},
		{"denied", `{"key":"SECRET"}`, nil, ErrDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			call := &Call{CheckID: "get", Params: json.RawMessage(tc.params), Context: Context{TriggerTime: ts}}
			got, err := Query(call)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || errors.Is(err, ErrLimit) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(tc.want)
			if !bytes.Equal(gb, wb) {
				t.Fatalf("result %s, want %s", gb, wb)
			}
			if string(call.Params) != tc.params {
				t.Fatal("Query modified the call")
			}
		})
	}
}

func TestResultConversion(t *testing.T) {
	cases := []struct {
		name string
		r    Result
		want string
	}{
		{"no value", Result{}, `{"value":null,"lane":"verified","error":null,"evidence_hash":null,"evidence_ref":null,"evidence_anchor":null,"signature":null,"content_type":null}`},
		{"json null value", Result{HasValue: true}, `{"value":{"kind":"json","value":null},"lane":"verified","error":null,"evidence_hash":null,"evidence_ref":null,"evidence_anchor":null,"signature":null,"content_type":null}`},
		{"bytes", Result{HasValue: true, IsBytes: true, Bytes: []byte{1, 200}, RefURI: "u"}, `{"value":{"kind":"bytes","value":[1,200]},"lane":"verified","error":null,"evidence_hash":null,"evidence_ref":{"uri":"u"},"evidence_anchor":null,"signature":null,"content_type":null}`},
		{"in-band error", Result{Error: &ResultError{Code: "file_not_found", Message: "m"}}, `{"value":null,"lane":"verified","error":{"code":"file_not_found","message":"m","details":null},"evidence_hash":null,"evidence_ref":null,"evidence_anchor":null,"signature":null,"content_type":null}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := tc.r.toABI()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(w)
			if string(b) != tc.want {
				t.Fatalf("got  %s\nwant %s", b, tc.want)
			}
			back, err := resultFromABI(w)
			if err != nil {
				t.Fatal(err)
			}
			w2, _ := back.toABI()
			b2, _ := json.Marshal(w2)
			if !bytes.Equal(b, b2) {
				t.Fatalf("round trip %s", b2)
			}
		})
	}
	bad := Result{Error: &ResultError{Details: json.RawMessage("{")}}
	if _, err := bad.toABI(); err == nil {
		t.Fatal("invalid details accepted")
	}
}

func TestRegisterPanics(t *testing.T) {
	run := func(*Call) (*Result, error) { return &Result{}, nil }
	cases := []struct {
		name string
		p    Provider
		want string
	}{
		{"no id", Provider{}, "provider ID is empty"},
		{"no checks", Provider{ID: "x"}, "has no checks"},
		{"check without id", Provider{ID: "x", Checks: []Check{{Run: run}}}, "Checks[0] has no ID"},
		{"duplicate", Provider{ID: "x", Checks: []Check{{ID: "a", Run: run}, {ID: "a", Run: run}}}, "duplicate check a"},
		{"no run", Provider{ID: "x", Checks: []Check{{ID: "a"}}}, "check a has no Run"},
		{"bad schema", Provider{ID: "x", Checks: []Check{{ID: "a", Run: run, ParamsSchema: json.RawMessage("{")}}}, "not valid JSON"},
		{"bad config schema", Provider{ID: "x", ConfigSchema: json.RawMessage("]"), Checks: []Check{{ID: "a", Run: run}}}, "ConfigSchema"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			withProvider(t, nil)
			defer func() {
				v := recover()
				if s, _ := v.(string); !strings.Contains(s, tc.want) {
					t.Fatalf("panic = %v, want %q", v, tc.want)
				}
			}()
			Register(tc.p)
		})
	}
	t.Run("twice", func(t *testing.T) {
		withProvider(t, nil)
		Register(Provider{ID: "x", Checks: []Check{{ID: "a", Run: run}}})
		defer func() {
			if s, _ := recover().(string); !strings.Contains(s, "called twice") {
				t.Fatalf("panic = %q", s)
			}
		}()
		Register(Provider{ID: "y", Checks: []Check{{ID: "a", Run: run}}})
	})
}

func TestStatusErrors(t *testing.T) {
	for _, se := range statusErrors {
		if got := statusError(se.status); got != se.err {
			t.Errorf("statusError(%s) = %v", se.status, got)
		}
		if got := errorCode(se.err); got != se.status.String() {
			t.Errorf("errorCode(%v) = %s", se.err, got)
		}
		pe := &ProviderError{Code: se.status.String()}
		if !errors.Is(pe, se.err) {
			t.Errorf("ProviderError %s is not %v", pe.Code, se.err)
		}
	}
	if statusError(-100) != ErrInternal || errorCode(errors.New("x")) != "provider" {
		t.Error("fallbacks")
	}
	if errors.Is(&ProviderError{Code: "provider"}, ErrDenied) {
		t.Error("provider error matched a sentinel")
	}
}

func TestCapabilitiesWithoutHost(t *testing.T) {
	withHost(t, nil)
	if _, _, err := EnvGet("X"); err != ErrDenied {
		t.Errorf("EnvGet = %v", err)
	}
	if _, err := FSRead("a", 0); err != ErrDenied {
		t.Errorf("FSRead = %v", err)
	}
	if _, err := HTTPFetch(HTTPRequest{URL: "https://x"}); err != ErrDenied {
		t.Errorf("HTTPFetch = %v", err)
	}
	Log("info", "dropped") // must not panic
}

func TestCapabilityArgumentChecks(t *testing.T) {
	withHost(t, &fakeHost{})
	if _, _, err := EnvGet(strings.Repeat("k", abi.MaxHostRequestBytes+1)); err != ErrLimit {
		t.Errorf("long key: %v", err)
	}
	if _, err := FSRead("a", -1); err != ErrInvalid {
		t.Errorf("negative max: %v", err)
	}
	if _, err := HTTPFetch(HTTPRequest{TimeoutMS: -1}); err != ErrInvalid {
		t.Errorf("negative timeout: %v", err)
	}
}

func TestLogLevelsAndCap(t *testing.T) {
	h := &fakeHost{}
	withHost(t, h)
	Log("warn", "w")
	Log("loud", "x")
	Log("debug", strings.Repeat("y", abi.MaxLogLineBytes+10))
	if len(h.logs) != 3 || h.logs[0] != "warn: w" || h.logs[1] != "info: x" || len(h.logs[2]) != len("debug: ")+abi.MaxLogLineBytes {
		t.Fatalf("logs = %q", h.logs)
	}
}

func TestDecodeHostResponses(t *testing.T) {
	f, err := decodeFSRead(fixture(t, "fs_read_response.json"))
	if err != nil || f.RelPath != "reports/junit.json" || string(f.Data) != `{"ok":true}` || f.Size != 11 {
		t.Fatalf("fs_read = %+v, %v", f, err)
	}
	f, err = decodeFSRead(fixture(t, "fs_read_response_limit.json"))
	if err != ErrLimit || f == nil || f.RelPath != "big.json" || f.Data != nil {
		t.Fatalf("fs_read limit = %+v, %v", f, err)
	}
	if _, err := decodeFSRead([]byte(`{"error":"denied"}`)); err != ErrDenied {
		t.Fatalf("fs_read denied = %v", err)
	}
	if _, err := decodeFSRead([]byte(`nope`)); !errors.Is(err, ErrInternal) {
		t.Fatalf("fs_read garbage = %v", err)
	}
	r, err := decodeHTTPFetch(fixture(t, "http_fetch_response.json"))
	if err != nil || r.Status != 302 || r.Headers["Location"][0] != "https://elsewhere.example/" {
		t.Fatalf("http_fetch = %+v, %v", r, err)
	}
	if _, err := decodeHTTPFetch([]byte(`[`)); !errors.Is(err, ErrInternal) {
		t.Fatalf("http_fetch garbage = %v", err)
	}
}
