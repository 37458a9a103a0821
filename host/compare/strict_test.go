package compare_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
)

// conformanceDir holds the reference's conformance data, shared next to
// the project root.
const conformanceDir = "../../../shared/conformance/decision-gate"

var (
	strictOn = compare.Options{Strict: true, EnableLexicographic: true, EnableDeepEquals: true}
	noLex    = compare.Options{Strict: true, EnableDeepEquals: true}
	noDeep   = compare.Options{Strict: true, EnableLexicographic: true}
)

// resultSchema returns the result_schema of one check of a conformance
// contract file (a single contract, or a list of them).
func resultSchema(t *testing.T, file, providerID, checkID string) json.RawMessage {
	t.Helper()
	path := filepath.Join(conformanceDir, file)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("conformance fixture %s is missing (expected the shared conformance data next to the project): %v", path, err)
	}
	docs := []json.RawMessage{b}
	if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		if err := json.Unmarshal(b, &docs); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range docs {
		c, err := provider.ParseContract(d)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if c.ProviderID != providerID {
			continue
		}
		if ch := c.Check(checkID); ch != nil {
			return ch.ResultSchema
		}
	}
	t.Fatalf("%s has no check %s.%s", file, providerID, checkID)
	return nil
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// wantStrict checks err against a message fragment ("" for success).
func wantStrict(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var se *compare.StrictError
	if !errors.As(err, &se) {
		t.Errorf("error %T is not a *compare.StrictError", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

// classSamples gives, per type class, a schema of that class and a value
// valid against it.
var classSamples = []struct {
	class  compare.TypeClass
	schema string
	sample string
}{
	{compare.ClassBoolean, `{"type":"boolean"}`, `true`},
	{compare.ClassInteger, `{"type":"integer"}`, `5`},
	{compare.ClassNumber, `{"type":"number"}`, `1.5`},
	{compare.ClassString, `{"type":"string"}`, `"abc"`},
	{compare.ClassEnum, `{"enum":["a","b"]}`, `"a"`},
	{compare.ClassArrayScalar, `{"type":"array","items":{"type":"string"}}`, `["x"]`},
	{compare.ClassArrayComplex, `{"type":"array","items":{"type":"object"}}`, `[{"k":1}]`},
	{compare.ClassObject, `{"type":"object"}`, `{"k":1}`},
	{compare.ClassNull, `{"type":"null"}`, `null`},
	{compare.ClassDate, `{"type":"string","format":"date"}`, `"2024-01-01"`},
	{compare.ClassDateTime, `{"type":"string","format":"date-time"}`, `"2024-01-01T00:00:00Z"`},
	{compare.ClassUUID, `{"type":"string","format":"uuid"}`, `"123e4567-e89b-12d3-a456-426614174000"`},
	{compare.ClassDynamic, `{"x-decision-gate":{"dynamic_type":true}}`, `"abc"`},
}

// withAllowed adds x-decision-gate.allowed_comparators to a schema.
func withAllowed(t *testing.T, schema string, cs ...evidence.Comparator) json.RawMessage {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(schema), &doc); err != nil {
		t.Fatal(err)
	}
	meta, _ := doc["x-decision-gate"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["allowed_comparators"] = cs
	doc["x-decision-gate"] = meta
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// expectedFor is a fitting expected value for comparator c.
func expectedFor(c evidence.Comparator, sample string) json.RawMessage {
	switch c {
	case evidence.Exists, evidence.NotExists:
		return nil
	case evidence.InSet:
		return json.RawMessage("[" + sample + "]")
	}
	return json.RawMessage(sample)
}

// TestCheckCondition_matrix runs CheckCondition on every cell of the
// allowance matrix: allowed, opt-in with and without allowed_comparators,
// forbidden, and with the comparator's family disabled.
func TestCheckCondition_matrix(t *testing.T) {
	for _, cls := range classSamples {
		for _, c := range evidence.Comparators() {
			t.Run(cls.class.String()+"/"+c.String(), func(t *testing.T) {
				exp := expectedFor(c, cls.sample)
				plain := json.RawMessage(cls.schema)
				check := func(schema json.RawMessage, opts compare.Options) error {
					return compare.CheckCondition("cond", c, exp, schema, opts, provider.ValidateJSON)
				}
				// The reference reads expected:null as absent, so a null-only
				// schema can never take equals or not_equals.
				allowedWant := ""
				if cls.class == compare.ClassNull && (c == evidence.Equals || c == evidence.NotEquals) {
					allowedWant = "condition cond comparator " + c.String() + " requires expected value"
				}
				switch compare.AllowanceFor(cls.class, c) {
				case compare.Allowed:
					wantStrict(t, check(plain, strictOn), allowedWant)
					wantStrict(t, check(withAllowed(t, cls.schema, c), strictOn), allowedWant)
				case compare.OptIn:
					wantStrict(t, check(plain, strictOn), "condition cond comparator "+c.String()+" requires explicit opt-in")
					wantStrict(t, check(withAllowed(t, cls.schema, c), strictOn), allowedWant)
				case compare.Forbidden:
					wantStrict(t, check(plain, strictOn), "condition cond comparator "+c.String()+" not allowed for schema type")
					wantStrict(t, check(withAllowed(t, cls.schema, c), strictOn),
						"allowed_comparators includes comparator "+c.String()+" not valid for schema")
				}
				var off compare.Options
				switch {
				case c.IsLex():
					off = noLex
				case c.IsDeep():
					off = noDeep
				default:
					return
				}
				wantStrict(t, check(plain, off), "condition cond comparator "+c.String()+" is disabled by config")
				wantStrict(t, check(withAllowed(t, cls.schema, c), off), "allowed_comparators includes disabled comparator "+c.String())
				wantStrict(t, check(json.RawMessage(`{"oops`), compare.Options{}), "")
			})
		}
	}
}

// TestCheckCondition_strictRules is the first theme of the reference's
// validation suite: comparators must fit the result schema's type.
func TestCheckCondition_strictRules(t *testing.T) {
	now := resultSchema(t, "contract/providers.json", "time", "now")
	status := resultSchema(t, "contract/providers.json", "http", "status")
	after := resultSchema(t, "contract/providers.json", "time", "after")
	bodyHash := resultSchema(t, "contract/providers.json", "http", "body_hash")
	path := resultSchema(t, "contract/providers.json", "json", "path")
	tests := []struct {
		name     string
		schema   json.RawMessage
		c        evidence.Comparator
		expected string
		want     string
	}{
		{"integer_ordering", now, evidence.GreaterThan, `1700000000000`, ""},
		{"integer_in_set", status, evidence.InSet, `[200, 204]`, ""},
		{"integer_contains", status, evidence.Contains, `200`, "condition c1 comparator contains not allowed for schema type"},
		{"boolean_ordering", after, evidence.LessThan, `true`, "condition c1 comparator less_than not allowed for schema type"},
		{"boolean_equals", after, evidence.Equals, `true`, ""},
		{"object_equals", bodyHash, evidence.Equals, `{"algorithm":"sha256","value":"00"}`, "condition c1 comparator equals not allowed for schema type"},
		{"object_deep_needs_opt_in", bodyHash, evidence.DeepEquals, `{"algorithm":"sha256","value":"00"}`, "condition c1 comparator deep_equals requires explicit opt-in"},
		{"object_exists", bodyHash, evidence.Exists, ``, ""},
		{"dynamic_anything", path, evidence.LexLessThanOrEqual, `"m"`, ""},
		{"exists_rejects_expected", now, evidence.Exists, `1`, "condition c1 comparator exists does not accept expected values"},
		{"equals_needs_expected", now, evidence.Equals, ``, "condition c1 comparator equals requires expected value"},
		{"null_expected_is_absent", now, evidence.LessThan, `null`, "condition c1 comparator less_than requires expected value"},
		{"expected_must_validate", now, evidence.Equals, `"soon"`, "condition c1 expected value invalid: at ''"},
		{"in_set_elements_must_validate", status, evidence.InSet, `[200, "ok"]`, "condition c1 expected value invalid"},
		{"unknown_schema_type", json.RawMessage(`{"type":"date"}`), evidence.Equals, `1`, "unsupported schema type: date"},
		{"untyped_schema", json.RawMessage(`{"minimum":1}`), evidence.Equals, `1`, "schema missing type declaration"},
		{"schema_must_compile", json.RawMessage(`{"type":"string","pattern":"(?<=a)"}`), evidence.Exists, ``, "invalid schema"},
		{"schema_not_json", json.RawMessage(`{"type":`), evidence.Equals, `1`, "invalid schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStrict(t, compare.CheckCondition("c1", tc.c, raw(tc.expected), tc.schema, strictOn, provider.ValidateJSON), tc.want)
		})
	}
}

// TestCheckCondition_permissive: with strict validation off nothing is
// checked, not even the schema.
func TestCheckCondition_permissive(t *testing.T) {
	after := resultSchema(t, "contract/providers.json", "time", "after")
	off := compare.Options{EnableLexicographic: true, EnableDeepEquals: true}
	for _, c := range evidence.Comparators() {
		wantStrict(t, compare.CheckCondition("c", c, raw(`"x"`), after, off, provider.ValidateJSON), "")
		wantStrict(t, compare.CheckCondition("c", c, nil, json.RawMessage(`not json`), compare.Options{}, provider.ValidateJSON), "")
	}
	wantStrict(t, compare.CheckShapeCondition("c", 2, evidence.Equals, nil, json.RawMessage(`{"oneOf":[],"anyOf":[]}`), off, provider.ValidateJSON), "")
}

// TestCheckCondition_disabledFamilies: lex_* and deep_* need their config
// switches, even where the schema opts in.
func TestCheckCondition_disabledFamilies(t *testing.T) {
	lex := resultSchema(t, "provider-contracts/strict_validation_provider.json", "strict", "lex_value")
	deep := resultSchema(t, "provider-contracts/strict_validation_provider.json", "strict", "deep_value")
	path := resultSchema(t, "contract/providers.json", "json", "path")
	tests := []struct {
		name     string
		schema   json.RawMessage
		c        evidence.Comparator
		expected string
		opts     compare.Options
		want     string
	}{
		{"lex_enabled", lex, evidence.LexGreaterThan, `"alpha"`, strictOn, ""},
		{"lex_disabled_opt_in_list", lex, evidence.LexGreaterThan, `"alpha"`, noLex, "allowed_comparators includes disabled comparator lex_greater_than"},
		{"lex_disabled_list_blocks_equals_too", lex, evidence.Equals, `"alpha"`, noLex, "allowed_comparators includes disabled comparator lex_greater_than"},
		{"lex_disabled_dynamic", path, evidence.LexLessThan, `"m"`, noLex, "condition c comparator lex_less_than is disabled by config"},
		{"deep_enabled", deep, evidence.DeepEquals, `{"a":1}`, strictOn, ""},
		{"deep_not_equals_enabled", deep, evidence.DeepNotEquals, `{"a":[1,2]}`, strictOn, ""},
		{"deep_disabled_opt_in_list", deep, evidence.DeepEquals, `{"a":1}`, noDeep, "allowed_comparators includes disabled comparator deep_equals"},
		{"deep_disabled_dynamic", path, evidence.DeepNotEquals, `[1]`, noDeep, "condition c comparator deep_not_equals is disabled by config"},
		{"deep_equals_forbidden_class_disabled_first", json.RawMessage(`{"type":"integer"}`), evidence.DeepEquals, `1`, noDeep, "condition c comparator deep_equals is disabled by config"},
		{"deep_expected_must_be_object", deep, evidence.DeepEquals, `[1]`, strictOn, "condition c expected value invalid"},
		{"other_family_unaffected", path, evidence.Equals, `1`, compare.Options{Strict: true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStrict(t, compare.CheckCondition("c", tc.c, raw(tc.expected), tc.schema, tc.opts, provider.ValidateJSON), tc.want)
		})
	}
}

// TestCheckCondition_inSetNonArray: in_set needs an array expected value.
func TestCheckCondition_inSetNonArray(t *testing.T) {
	value := resultSchema(t, "provider-contracts/template_provider.json", "template", "value")
	tests := []struct {
		name, expected, want string
	}{
		{"array", `["a","b"]`, ""},
		{"empty_array", `[]`, ""},
		{"string", `"a"`, "condition c comparator in_set requires expected array"},
		{"object", `{"a":1}`, "condition c comparator in_set requires expected array"},
		{"absent", ``, "condition c comparator in_set requires expected array"},
		{"null", `null`, "condition c comparator in_set requires expected array"},
		{"element_invalid", `["a", 1]`, "condition c expected value invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStrict(t, compare.CheckCondition("c", evidence.InSet, raw(tc.expected), value, strictOn, provider.ValidateJSON), tc.want)
		})
	}
}

// TestCheckCondition_unionStringNull: a string-or-null result (env.get)
// keeps the string allowances, so contains is allowed.
func TestCheckCondition_unionStringNull(t *testing.T) {
	get := resultSchema(t, "contract/providers.json", "env", "get")
	tests := []struct {
		c              evidence.Comparator
		expected, want string
	}{
		{evidence.Contains, `"prod"`, ""},
		{evidence.Equals, `"production"`, ""},
		{evidence.InSet, `["a", null]`, ""},
		{evidence.NotExists, ``, ""},
		{evidence.Contains, `5`, "condition env expected value invalid"},
		{evidence.GreaterThan, `"a"`, "condition env comparator greater_than not allowed for schema type"},
		{evidence.LexGreaterThan, `"a"`, "condition env comparator lex_greater_than requires explicit opt-in"},
	}
	for _, tc := range tests {
		t.Run(tc.c.String(), func(t *testing.T) {
			wantStrict(t, compare.CheckCondition("env", tc.c, raw(tc.expected), get, strictOn, provider.ValidateJSON), tc.want)
		})
	}
}

// TestCheckCondition_allowedComparatorsRestrict: a schema's
// allowed_comparators list narrows even comparators the matrix allows.
func TestCheckCondition_allowedComparatorsRestrict(t *testing.T) {
	value := resultSchema(t, "provider-contracts/template_provider.json", "template", "value")
	lex := resultSchema(t, "provider-contracts/strict_validation_provider.json", "strict", "lex_value")
	tests := []struct {
		name     string
		schema   json.RawMessage
		c        evidence.Comparator
		expected string
		want     string
	}{
		{"listed", value, evidence.NotEquals, `"x"`, ""},
		{"allowed_but_unlisted", value, evidence.Contains, `"x"`, "condition c comparator contains not in allowed_comparators"},
		{"opt_in_unlisted", lex, evidence.LexLessThanOrEqual, `"x"`, "condition c comparator lex_less_than_or_equal not in allowed_comparators"},
		{"opt_in_listed", lex, evidence.LexLessThan, `"x"`, ""},
		{"exists_unlisted", value, evidence.Exists, ``, "condition c comparator exists not in allowed_comparators"},
		{"empty_list", json.RawMessage(`{"type":"string","x-decision-gate":{"allowed_comparators":[]}}`), evidence.Equals, `"x"`, "allowed_comparators must not be empty"},
		{"unknown_name", json.RawMessage(`{"type":"string","x-decision-gate":{"allowed_comparators":["matches"]}}`), evidence.Equals, `"x"`, "allowed_comparators invalid"},
		{"not_a_list", json.RawMessage(`{"type":"string","x-decision-gate":{"allowed_comparators":"equals"}}`), evidence.Equals, `"x"`, "allowed_comparators invalid"},
		{"not_strings", json.RawMessage(`{"type":"string","x-decision-gate":{"allowed_comparators":[1]}}`), evidence.Equals, `"x"`, "allowed_comparators invalid"},
		{"meta_not_object", json.RawMessage(`{"type":"string","x-decision-gate":[]}`), evidence.Equals, `"x"`, "x-decision-gate must be an object"},
		{"forbidden_listed", json.RawMessage(`{"type":"string","x-decision-gate":{"allowed_comparators":["equals","greater_than"]}}`), evidence.Equals, `"x"`,
			"allowed_comparators includes comparator greater_than not valid for schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStrict(t, compare.CheckCondition("c", tc.c, raw(tc.expected), tc.schema, strictOn, provider.ValidateJSON), tc.want)
		})
	}
}

func TestConditionSchemasFromShape(t *testing.T) {
	tests := []struct {
		name, shape, id string
		count           int
		want            []string
		err             string
	}{
		{"property", `{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}}}`, "b", 2, []string{`{"type":"string"}`}, ""},
		{"properties_without_type", `{"properties":{"a":{"type":"integer"}}}`, "a", 2, []string{`{"type":"integer"}`}, ""},
		{"type_array_with_object", `{"type":["object","null"],"properties":{"a":{"type":"integer"}}}`, "a", 2, []string{`{"type":"integer"}`}, ""},
		{"additional_properties_schema", `{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"boolean"}}`, "z", 2, []string{`{"type":"boolean"}`}, ""},
		{"additional_properties_true", `{"type":"object","additionalProperties":true}`, "z", 2, nil, "schema allows untyped additionalProperties for condition z"},
		{"additional_properties_false", `{"type":"object","properties":{},"additionalProperties":false}`, "z", 2, nil, "condition z missing from data shape schema"},
		{"missing", `{"type":"object"}`, "z", 1, nil, "condition z missing from data shape schema"},
		{"non_object_single_condition", `{"type":"integer"}`, "a", 1, []string{`{"type":"integer"}`}, ""},
		{"non_object_string_type_ignores_properties", `{"type":"string","properties":{"a":{"type":"integer"}}}`, "a", 1, []string{`{"properties":{"a":{"type":"integer"}},"type":"string"}`}, ""},
		{"non_object_many_conditions", `{"type":"integer"}`, "a", 2, nil, "non-object data shape requires exactly one condition"},
		{"one_of_variants", `{"oneOf":[{"type":"object","properties":{"a":{"type":"integer"}}},{"type":"null"},{"type":"object","properties":{"a":{"type":"number"}}}]}`, "a", 3,
			[]string{`{"type":"integer"}`, `{"type":"number"}`}, ""},
		{"any_of_variants", `{"anyOf":[{"type":"object","additionalProperties":{"type":"string"}},{"enum":[null]}]}`, "a", 3, []string{`{"type":"string"}`}, ""},
		{"only_null_variants", `{"oneOf":[{"type":"null"}]}`, "a", 1, []string{`{"type":"null"}`}, ""},
		{"both_unions", `{"oneOf":[{"type":"object"}],"anyOf":[{"type":"object"}]}`, "a", 1, nil, "schema cannot define both oneOf and anyOf"},
		{"empty_one_of", `{"oneOf":[]}`, "a", 1, nil, "schema oneOf must contain at least one option"},
		{"empty_any_of", `{"anyOf":[]}`, "a", 1, nil, "schema anyOf must contain at least one option"},
		{"variant_missing_condition", `{"oneOf":[{"type":"object","properties":{"a":{"type":"integer"}}},{"type":"object","properties":{"b":{"type":"integer"}}}]}`, "a", 2,
			nil, "condition a missing from data shape schema"},
		{"not_json", `{"type"`, "a", 1, nil, "invalid schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := compare.ConditionSchemasFromShape(json.RawMessage(tc.shape), tc.id, tc.count)
			if tc.err != "" {
				wantStrict(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d schemas %s, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if string(got[i]) != tc.want[i] {
					t.Errorf("schema %d = %s, want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestCheckShapeCondition(t *testing.T) {
	shape := json.RawMessage(`{"oneOf":[
		{"type":"object","properties":{"deploy":{"type":"integer"},"env":{"type":"string"}}},
		{"type":"object","properties":{"deploy":{"type":"number"},"env":{"type":"string","x-decision-gate":{"allowed_comparators":["equals"]}}}}]}`)
	tests := []struct {
		name, id string
		c        evidence.Comparator
		expected string
		want     string
	}{
		{"every_variant_allows", "deploy", evidence.GreaterThan, `3`, ""},
		{"every_variant_validates", "deploy", evidence.Equals, `2.5`, "condition deploy expected value invalid"},
		{"second_variant_restricts", "env", evidence.Contains, `"x"`, "condition env comparator contains not in allowed_comparators"},
		{"both_allow_equals", "env", evidence.Equals, `"prod"`, ""},
		{"missing", "other", evidence.Exists, ``, "condition other missing from data shape schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := compare.CheckShapeCondition(tc.id, 3, tc.c, raw(tc.expected), shape, strictOn, provider.ValidateJSON)
			wantStrict(t, err, tc.want)
		})
	}
}
