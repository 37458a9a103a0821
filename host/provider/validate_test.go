package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// conformanceDir holds the reference's conformance data, shared next to
// the project root.
const conformanceDir = "../../../shared/conformance/decision-gate"

// fakeProvider serves a contract and is never queried.
type fakeProvider struct{ contract *Contract }

func (f fakeProvider) ID() string          { return f.contract.ProviderID }
func (f fakeProvider) Contract() *Contract { return f.contract }
func (f fakeProvider) Query(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
	return evidence.Result{}, errors.New("fake provider: not queried in tests")
}

func readConformance(tb testing.TB, rel string) []byte {
	tb.Helper()
	path := filepath.Join(conformanceDir, rel)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("conformance fixture %s is missing (expected the shared conformance data next to the project): %v", path, err)
	}
	return b
}

// builtinRegistry builds a registry from the reference's built-in provider
// contracts (time, env, json, http).
func builtinRegistry(tb testing.TB) *Registry {
	tb.Helper()
	var entries []json.RawMessage
	if err := json.Unmarshal(readConformance(tb, "contract/providers.json"), &entries); err != nil {
		tb.Fatalf("providers.json: %v", err)
	}
	var ps []Provider
	for i, e := range entries {
		c, err := ParseContract(e)
		if err != nil {
			tb.Fatalf("providers.json entry %d: %v", i, err)
		}
		ps = append(ps, fakeProvider{c})
	}
	r, err := NewRegistry(ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func query(provider, check, params string) evidence.Query {
	q := evidence.Query{ProviderID: provider, CheckID: check}
	if params != "" {
		q.Params = json.RawMessage(params)
	}
	return q
}

// wantCapability checks err against a capability code ("" for success) and
// a message prefix.
func wantCapability(t *testing.T, err error, code, prefix string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	if got := errcode.Of(err); got != errcode.InvalidArgument {
		t.Errorf("errcode.Of = %q, want %q", got, errcode.InvalidArgument)
	}
	var ce *CapabilityError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *CapabilityError", err)
	}
	if ce.Code != code {
		t.Errorf("code = %q, want %q (%v)", ce.Code, code, err)
	}
	if !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("message %q does not start with %q", err.Error(), prefix)
	}
	if errcode.Message(err) != err.Error() {
		t.Errorf("errcode.Message = %q, want %q", errcode.Message(err), err.Error())
	}
}

func TestRegistry_ValidateQuery(t *testing.T) {
	r := builtinRegistry(t)
	if err := r.CompileContracts(); err != nil {
		t.Fatalf("CompileContracts: %v", err)
	}
	tests := []struct {
		name         string
		q            evidence.Query
		code, prefix string
	}{
		{"ok/no_params_needed", query("time", "now", ""), "", ""},
		{"ok/empty_params", query("time", "now", `{}`), "", ""},
		{"ok/params", query("env", "get", `{"key":"DEPLOY_ENV"}`), "", ""},
		{"ok/union_param", query("time", "after", `{"timestamp":1700000000000}`), "", ""},
		{"provider_missing", query("nope", "get", `{}`), CodeProviderMissing, "provider_missing: provider not registered: nope"},
		{"check_missing", query("env", "list", `{}`), CodeCheckMissing, "check_missing: check not supported: env.list"},
		{"params_missing/absent", query("env", "get", ""), CodeParamsMissing, "params_missing: check params required for env.get"},
		{"params_missing/null", query("env", "get", `null`), CodeParamsMissing, "params_missing: check params required for env.get"},
		{"params_invalid/type", query("env", "get", `{"key":1}`), CodeParamsInvalid, "params_invalid: check params invalid for env.get: env.get: at '/key'"},
		{"params_invalid/extra", query("http", "status", `{"url":"https://x","method":"GET"}`), CodeParamsInvalid, "params_invalid: check params invalid for http.status"},
		{"params_invalid/required", query("json", "path", `{"jsonpath":"$.a"}`), CodeParamsInvalid, "params_invalid: check params invalid for json.path"},
		{"params_invalid/not_object", query("time", "now", `[]`), CodeParamsInvalid, "params_invalid: check params invalid for time.now"},
		{"params_invalid/union", query("time", "before", `{"timestamp":true}`), CodeParamsInvalid, "params_invalid: check params invalid for time.before"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCapability(t, r.ValidateQuery(tc.q), tc.code, tc.prefix)
		})
	}
}

func TestRegistry_ValidateCondition(t *testing.T) {
	r := builtinRegistry(t)
	envGet := query("env", "get", `{"key":"DEPLOY_ENV"}`)
	now := query("time", "now", "")
	after := query("time", "after", `{"timestamp":"2024-01-01T00:00:00Z"}`)
	path := query("json", "path", `{"file":"report.json","jsonpath":"$.summary"}`)
	bodyHash := query("http", "body_hash", `{"url":"https://example.com"}`)
	tests := []struct {
		name         string
		q            evidence.Query
		c            evidence.Comparator
		expected     string
		code, prefix string
	}{
		{"ok/equals_string", envGet, evidence.Equals, `"production"`, "", ""},
		{"ok/contains", envGet, evidence.Contains, `"prod"`, "", ""},
		{"ok/in_set_union", envGet, evidence.InSet, `["a", null]`, "", ""},
		{"ok/exists", envGet, evidence.Exists, ``, "", ""},
		{"ok/exists_null_is_absent", envGet, evidence.NotExists, `null`, "", ""},
		{"ok/ordering_integer", now, evidence.GreaterThanOrEqual, `1700000000000`, "", ""},
		{"ok/in_set_bool", after, evidence.InSet, `[true]`, "", ""},
		{"ok/dynamic", path, evidence.DeepEquals, `{"any":["thing"]}`, "", ""},
		{"ok/object_exists", bodyHash, evidence.Exists, ``, "", ""},
		// steps 1-4 come first
		{"provider_missing", query("nope", "x", ""), evidence.Equals, `1`, CodeProviderMissing, "provider_missing: provider not registered: nope"},
		{"check_missing", query("time", "later", ""), evidence.Equals, `1`, CodeCheckMissing, "check_missing: check not supported: time.later"},
		{"params_missing", query("json", "path", ""), evidence.Exists, ``, CodeParamsMissing, "params_missing: check params required for json.path"},
		{"params_invalid", query("env", "get", `{"key":["A"]}`), evidence.Exists, ``, CodeParamsInvalid, "params_invalid: check params invalid for env.get"},
		// step 5
		{"expected_invalid/exists_with_expected", envGet, evidence.Exists, `"x"`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for env.get: expected value must be omitted for exists/not_exists"},
		{"expected_invalid/in_set_not_array", envGet, evidence.InSet, `"a"`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for env.get: expected array required for in_set comparator"},
		{"expected_invalid/in_set_absent", envGet, evidence.InSet, ``, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for env.get: expected array required for in_set comparator"},
		{"expected_invalid/in_set_element", now, evidence.InSet, `[1, "two"]`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for time.now: time.now: at ''"},
		{"expected_invalid/absent", now, evidence.Equals, ``, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for time.now: expected value required for comparator"},
		{"expected_invalid/null_is_absent", envGet, evidence.Equals, `null`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for env.get: expected value required for comparator"},
		{"expected_invalid/type", now, evidence.LessThan, `"soon"`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for time.now: time.now: at ''"},
		{"expected_invalid/before_comparator", now, evidence.Contains, `"x"`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for time.now"},
		{"expected_invalid/object_shape", bodyHash, evidence.Equals, `{"algorithm":"md5","value":"00"}`, CodeExpectedInvalid,
			"expected_invalid: check expected value invalid for http.body_hash"},
		// step 6
		{"comparator_not_allowed/ordering_on_string", envGet, evidence.GreaterThan, `"x"`, CodeComparatorNotAllowed,
			"comparator_not_allowed: comparator not allowed for env.get: greater_than"},
		{"comparator_not_allowed/equals_on_hash", bodyHash, evidence.Equals, `{"algorithm":"sha256","value":"00"}`, CodeComparatorNotAllowed,
			"comparator_not_allowed: comparator not allowed for http.body_hash: equals"},
		{"comparator_not_allowed/lex", now, evidence.LexLessThan, `5`, CodeComparatorNotAllowed,
			"comparator_not_allowed: comparator not allowed for time.now: lex_less_than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var exp json.RawMessage
			if tc.expected != "" {
				exp = json.RawMessage(tc.expected)
			}
			wantCapability(t, r.ValidateCondition(tc.q, tc.c, exp), tc.code, tc.prefix)
		})
	}
}

// TestRegistry_fixtureContracts validates against the external-provider
// fixtures of the reference's system tests.
func TestRegistry_fixtureContracts(t *testing.T) {
	var ps []Provider
	for _, f := range []string{"strict_validation_provider.json", "template_provider.json"} {
		c, err := ParseContract(readConformance(t, "provider-contracts/"+f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ps = append(ps, fakeProvider{c})
	}
	r, err := NewRegistry(ps...)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CompileContracts(); err != nil {
		t.Fatalf("CompileContracts: %v", err)
	}
	value := query("template", "value", `{"value":"x"}`)
	tests := []struct {
		name     string
		q        evidence.Query
		c        evidence.Comparator
		expected string
		code     string
	}{
		{"template/in_set", value, evidence.InSet, `["x","y"]`, ""},
		{"template/params_missing", query("template", "value", ""), evidence.Equals, `"x"`, CodeParamsMissing},
		{"template/params_extra", query("template", "value", `{"value":"x","other":1}`), evidence.Equals, `"x"`, CodeParamsInvalid},
		{"template/contains", value, evidence.Contains, `"x"`, CodeComparatorNotAllowed},
		{"strict/lex", query("strict", "lex_value", `{}`), evidence.LexGreaterThan, `"alpha"`, ""},
		{"strict/lex_gte", query("strict", "lex_value", ""), evidence.LexGreaterThanOrEqual, `"alpha"`, CodeComparatorNotAllowed},
		{"strict/deep", query("strict", "deep_value", ""), evidence.DeepEquals, `{"a":1}`, ""},
		{"strict/deep_not_object", query("strict", "deep_value", ""), evidence.DeepEquals, `[1]`, CodeExpectedInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var exp json.RawMessage
			if tc.expected != "" {
				exp = json.RawMessage(tc.expected)
			}
			err := r.ValidateCondition(tc.q, tc.c, exp)
			wantCapability(t, err, tc.code, tc.code)
		})
	}
}

func TestRegistry_schemaCompileFailed(t *testing.T) {
	doc := `{"provider_id":"broken","name":"Broken","description":"","transport":"mcp",
		"config_schema":{},"notes":[],
		"checks":[
		 {"check_id":"ok","description":"","determinism":"deterministic","params_required":false,
		  "params_schema":{"type":"object"},"result_schema":{"type":"string"},
		  "allowed_comparators":["equals"],"anchor_types":[],"content_types":[],"examples":[]},
		 {"check_id":"bad","description":"","determinism":"deterministic","params_required":false,
		  "params_schema":{"type":"object","properties":{"p":{"pattern":"(?<=x)y"}}},"result_schema":{"type":"string"},
		  "allowed_comparators":["equals"],"anchor_types":[],"content_types":[],"examples":[]}]}`
	c, err := ParseContract([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRegistry(fakeProvider{c})
	if err != nil {
		t.Fatal(err)
	}
	wantCapability(t, r.CompileContracts(), CodeSchemaCompileFailed, "schema_compile_failed: schema compilation failed for broken.bad: ")
	wantCapability(t, r.ValidateQuery(query("broken", "bad", `{"p":"y"}`)), CodeSchemaCompileFailed,
		"schema_compile_failed: schema compilation failed for broken.bad: ")
	wantCapability(t, r.ValidateQuery(query("broken", "ok", `{}`)), "", "")
	if err := builtinRegistry(t).CompileContracts(); err != nil {
		t.Errorf("built-in contracts: %v", err)
	}
}

func TestRegistry_nil(t *testing.T) {
	var r *Registry
	wantCapability(t, r.ValidateQuery(query("env", "get", `{"key":"A"}`)), CodeProviderMissing, "provider_missing: provider not registered: env")
	if err := r.CompileContracts(); err != nil {
		t.Errorf("CompileContracts on a nil registry: %v", err)
	}
}

// TestRegistry_hammer validates a mix of good and bad conditions from 8
// goroutines at once (run it with -race) and checks every answer.
func TestRegistry_hammer(t *testing.T) {
	r := builtinRegistry(t)
	type job struct {
		q        evidence.Query
		c        evidence.Comparator
		expected json.RawMessage
		code     string
	}
	jobs := []job{
		{query("env", "get", `{"key":"A"}`), evidence.Equals, json.RawMessage(`"prod"`), ""},
		{query("env", "get", `{"key":1}`), evidence.Equals, json.RawMessage(`"prod"`), CodeParamsInvalid},
		{query("env", "get", `{"key":"A"}`), evidence.GreaterThan, json.RawMessage(`"prod"`), CodeComparatorNotAllowed},
		{query("time", "now", ""), evidence.InSet, json.RawMessage(`[1,2,"x"]`), CodeExpectedInvalid},
		{query("time", "now", ""), evidence.LessThan, json.RawMessage(`1700000000000`), ""},
		{query("json", "path", `{"file":"a.json"}`), evidence.Contains, json.RawMessage(`["a"]`), ""},
		{query("http", "body_hash", ""), evidence.Exists, nil, CodeParamsMissing},
		{query("nope", "x", ""), evidence.Exists, nil, CodeProviderMissing},
	}
	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				j := jobs[(w*3+i)%len(jobs)]
				err := r.ValidateCondition(j.q, j.c, j.expected)
				var ce *CapabilityError
				switch {
				case j.code == "" && err != nil:
					errs <- fmt.Errorf("worker %d: %s.%s %s: %v", w, j.q.ProviderID, j.q.CheckID, j.c, err)
					return
				case j.code != "" && (!errors.As(err, &ce) || ce.Code != j.code):
					errs <- fmt.Errorf("worker %d: %s.%s %s: got %v, want %s", w, j.q.ProviderID, j.q.CheckID, j.c, err, j.code)
					return
				}
				if i%50 == 0 {
					if err := r.CompileContracts(); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
