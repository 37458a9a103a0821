package compare

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
)

// allowanceRows is the allowance matrix of profile strict_core_v1 (spec
// §3.7), one string per class with one cell per comparator in canonical
// order: A allowed, O opt-in, - forbidden.
//
//	eq ne  gt gte lt lte  lgt lgte llt llte  contains in_set  deep_eq deep_ne  exists not_exists
var allowanceRows = map[TypeClass]string{
	ClassBoolean:      "AA ---- ---- -A -- AA",
	ClassInteger:      "AA AAAA ---- -A -- AA",
	ClassNumber:       "AA AAAA ---- -A -- AA",
	ClassString:       "AA ---- OOOO AA -- AA",
	ClassEnum:         "AA ---- ---- -A -- AA",
	ClassArrayScalar:  "-- ---- ---- A- OO AA",
	ClassArrayComplex: "-- ---- ---- -- OO AA",
	ClassObject:       "-- ---- ---- -- OO AA",
	ClassNull:         "AA ---- ---- -- -- AA",
	ClassDate:         "AA AAAA ---- -A -- AA",
	ClassDateTime:     "AA AAAA ---- -A -- AA",
	ClassUUID:         "AA ---- ---- -A -- AA",
	ClassDynamic:      "AA AAAA AAAA AA AA AA",
}

func allowanceRow(t *testing.T, s string) []Allowance {
	t.Helper()
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 16 {
		t.Fatalf("row %q has %d cells", s, len(s))
	}
	out := make([]Allowance, 16)
	for i, c := range s {
		switch c {
		case 'A':
			out[i] = Allowed
		case 'O':
			out[i] = OptIn
		case '-':
			out[i] = Forbidden
		default:
			t.Fatalf("bad cell %q", c)
		}
	}
	return out
}

func TestAllowanceFor_matrix(t *testing.T) {
	for class := ClassDynamic; class <= ClassUUID; class++ {
		row, ok := allowanceRows[class]
		if !ok {
			t.Fatalf("no expected row for %v", class)
		}
		want := allowanceRow(t, row)
		for i, c := range evidence.Comparators() {
			if got := AllowanceFor(class, c); got != want[i] {
				t.Errorf("%v × %v = %v, want %v", class, c, got, want[i])
			}
		}
		if got := AllowanceFor(class, 0); got != Forbidden {
			t.Errorf("%v × invalid comparator = %v, want forbidden", class, got)
		}
	}
}

func TestSchemaTypeClasses(t *testing.T) {
	tests := []struct {
		schema string
		want   []TypeClass
		err    string
	}{
		{`{"x-decision-gate":{"dynamic_type":true}}`, []TypeClass{ClassDynamic}, ""},
		{`{"x-decision-gate":{"dynamic_type":true},"type":"string"}`, []TypeClass{ClassDynamic}, ""},
		{`{"x-decision-gate":{"dynamic_type":false},"type":"string"}`, []TypeClass{ClassString}, ""},
		{`{"x-decision-gate":{"allowed_comparators":["equals"]},"type":"integer"}`, []TypeClass{ClassInteger}, ""},
		{`{"enum":["a","b"]}`, []TypeClass{ClassEnum}, ""},
		{`{"enum":[1, 2.5],"type":"string"}`, []TypeClass{ClassEnum}, ""},
		{`{"enum":[true]}`, []TypeClass{ClassEnum}, ""},
		{`{"enum":[null]}`, []TypeClass{ClassNull}, ""},
		{`{"enum":"a","type":"boolean"}`, []TypeClass{ClassBoolean}, ""},
		{`{"type":"boolean"}`, []TypeClass{ClassBoolean}, ""},
		{`{"type":"integer"}`, []TypeClass{ClassInteger}, ""},
		{`{"type":"number"}`, []TypeClass{ClassNumber}, ""},
		{`{"type":"null"}`, []TypeClass{ClassNull}, ""},
		{`{"type":"object"}`, []TypeClass{ClassObject}, ""},
		{`{"type":"string"}`, []TypeClass{ClassString}, ""},
		{`{"type":"string","format":"email"}`, []TypeClass{ClassString}, ""},
		{`{"type":"string","format":"date-time"}`, []TypeClass{ClassDateTime}, ""},
		{`{"type":"string","format":"date"}`, []TypeClass{ClassDate}, ""},
		{`{"type":"string","format":"uuid"}`, []TypeClass{ClassUUID}, ""},
		{`{"type":"array"}`, []TypeClass{ClassArrayComplex}, ""},
		{`{"type":"array","items":{"type":"string"}}`, []TypeClass{ClassArrayScalar}, ""},
		{`{"type":"array","items":{"type":["integer","null"]}}`, []TypeClass{ClassArrayScalar}, ""},
		{`{"type":"array","items":{"enum":["a"]}}`, []TypeClass{ClassArrayScalar}, ""},
		{`{"type":"array","items":{"type":"object"}}`, []TypeClass{ClassArrayComplex}, ""},
		{`{"type":"array","items":{"type":"array","items":{"type":"string"}}}`, []TypeClass{ClassArrayComplex}, ""},
		{`{"type":"array","items":{"x-decision-gate":{"dynamic_type":true}}}`, []TypeClass{ClassArrayComplex}, ""},
		{`{"type":"array","items":{"oneOf":[{"type":"string"}]}}`, []TypeClass{ClassArrayComplex}, ""},
		{`{"type":["string","null"]}`, []TypeClass{ClassString}, ""},
		{`{"type":["null","integer","string"]}`, []TypeClass{ClassInteger, ClassString}, ""},
		{`{"type":["null"]}`, []TypeClass{ClassNull}, ""},
		// errors
		{`{"description":"no type"}`, nil, "schema missing type declaration"},
		{`true`, nil, "schema missing type declaration"},
		{`{"enum":[]}`, nil, "enum must contain at least one value"},
		{`{"enum":["a",1]}`, nil, "enum values must share the same scalar type"},
		{`{"enum":["a",null]}`, nil, "enum values must share the same scalar type"},
		{`{"enum":[{"a":1}]}`, nil, "enum values must be scalar types"},
		{`{"enum":[[1]]}`, nil, "enum values must be scalar types"},
		{`{"type":"strin"}`, nil, "unsupported schema type: strin"},
		{`{"type":["string",1]}`, nil, "schema type array must contain strings"},
		{`{"type":[]}`, nil, "schema type array must not be empty"},
		{`{"type":["null","null"]}`, nil, "schema type array must not be empty"},
		{`{"type":1}`, nil, "schema type must be string or array"},
		{`{"x-decision-gate":true,"type":"string"}`, nil, "x-decision-gate must be an object"},
		{`{"x-decision-gate":{"dynamic_type":"yes"}}`, nil, "x-decision-gate.dynamic_type must be boolean"},
		{`{"type":`, nil, "invalid schema"},
		{``, nil, "invalid schema"},
	}
	for _, tc := range tests {
		t.Run(tc.schema, func(t *testing.T) {
			got, err := SchemaTypeClasses(json.RawMessage(tc.schema))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v; want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestSchemaAllowances(t *testing.T) {
	row := func(class TypeClass) string { return allowanceRows[class] }
	tests := []struct {
		name, schema, want, err string
	}{
		{"single", `{"type":"integer"}`, row(ClassInteger), ""},
		{"union_string_null", `{"oneOf":[{"type":"string"},{"type":"null"}]}`, row(ClassString), ""},
		{"union_null_enum_dropped", `{"anyOf":[{"enum":[null]},{"type":"boolean"}]}`, row(ClassBoolean), ""},
		{"union_all_null", `{"oneOf":[{"type":"null"},{"type":["null"]}]}`, row(ClassNull), ""},
		{"union_intersects", `{"anyOf":[{"type":"integer"},{"type":"string"}]}`, "AA ---- ---- -A -- AA", ""},
		{"union_optin_wins_over_allowed", `{"oneOf":[{"type":"string"},{"x-decision-gate":{"dynamic_type":true}}]}`, row(ClassString), ""},
		{"type_array_intersects", `{"type":["string","array"],"items":{"type":"string"}}`, "-- ---- ---- A- -- AA", ""},
		{"nested_union", `{"oneOf":[{"anyOf":[{"type":"number"},{"type":"integer"}]},{"type":"string","format":"date"}]}`, row(ClassDate), ""},
		{"oneOf_before_anyOf", `{"oneOf":[{"type":"boolean"}],"anyOf":[{"type":"object"}]}`, row(ClassBoolean), ""},
		{"oneOf_not_array", `{"oneOf":{"type":"string"},"type":"integer"}`, row(ClassInteger), ""},
		{"empty_union", `{"oneOf":[]}`, "", "schema union must have at least one option"},
		{"untyped_option", `{"anyOf":[{"type":"string"},{"minimum":1}]}`, "", "schema missing type declaration"},
		{"bad_null_check", `{"oneOf":[{"type":[1]}]}`, "", "schema type array must contain strings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SchemaAllowances(json.RawMessage(tc.schema))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := allowanceRow(t, tc.want)
			for i, c := range evidence.Comparators() {
				if got.Of(c) != want[i] {
					t.Errorf("%v = %v, want %v", c, got.Of(c), want[i])
				}
			}
		})
	}
}
