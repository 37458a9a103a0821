package compare

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
)

// statuses parses one expected status per comparator, in canonical order
// (equals, not_equals, gt, gte, lt, lte, lex_gt, lex_gte, lex_lt, lex_lte,
// contains, in_set, deep_equals, deep_not_equals, exists, not_exists), as
// T, F or U; spaces are ignored.
func statuses(t *testing.T, s string) []evidence.TriState {
	t.Helper()
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 16 {
		t.Fatalf("want string %q has %d statuses, need 16", s, len(s))
	}
	out := make([]evidence.TriState, 16)
	for i, c := range s {
		switch c {
		case 'T':
			out[i] = evidence.True
		case 'F':
			out[i] = evidence.False
		case 'U':
			out[i] = evidence.Unknown
		default:
			t.Fatalf("bad status %q in %q", c, s)
		}
	}
	return out
}

func jv(s string) *evidence.Value { return evidence.JSONOf(json.RawMessage(s)) }

func bv(b ...byte) *evidence.Value { return &evidence.Value{Kind: evidence.BytesValue, Bytes: b} }

// TestEvaluate_matrix covers every comparator for every kind of value. Each
// want lists the 16 comparators in canonical order:
//
//	eq ne  gt gte lt lte  lgt lgte llt llte  contains in_set  deep_eq deep_ne  exists not_exists
func TestEvaluate_matrix(t *testing.T) {
	const absent = "\x00absent"
	tests := []struct {
		name string
		v    *evidence.Value
		e    string
		want string
	}{
		// booleans
		{"bool/same", jv(`true`), `true`, "TF UUUU UUUU UU UU TF"},
		{"bool/different", jv(`true`), `false`, "FT UUUU UUUU UU UU TF"},
		{"bool/in_set", jv(`false`), `[true, false]`, "FT UUUU UUUU UT UU TF"},
		{"bool/not_in_set", jv(`false`), `[true]`, "FT UUUU UUUU UF UU TF"},
		// integers
		{"int/equal", jv(`200`), `200`, "TF FTFT UUUU UU UU TF"},
		{"int/less", jv(`199`), `200`, "FT FFTT UUUU UU UU TF"},
		{"int/greater", jv(`201`), ` 200 `, "FT TTFF UUUU UU UU TF"},
		{"int/negative", jv(`-5`), `-3`, "FT FFTT UUUU UU UU TF"},
		{"int/in_set", jv(`2`), `[1,2,3]`, "FT UUUU UUUU UT UU TF"},
		// floats
		{"float/equal", jv(`92.5`), `92.50`, "TF FTFT UUUU UU UU TF"},
		{"float/greater", jv(`0.30000000000000004`), `0.3`, "FT TTFF UUUU UU UU TF"},
		{"float/in_set", jv(`1.5`), `[1.5]`, "FT UUUU UUUU UT UU TF"},
		// decimal equality of integers and floats
		{"decimal/10_vs_10.0", jv(`10`), `10.0`, "TF FTFT UUUU UU UU TF"},
		{"decimal/1e2_vs_100", jv(`1e2`), `100`, "TF FTFT UUUU UU UU TF"},
		{"decimal/100_vs_1E+2", jv(`100`), `1E+2`, "TF FTFT UUUU UU UU TF"},
		{"decimal/neg_zero", jv(`-0`), `0`, "TF FTFT UUUU UU UU TF"},
		// ...but JSON equality keeps integers and floats apart
		{"json_eq/int_not_in_float_set", jv(`1`), `[1.0, 2]`, "FT UUUU UUUU UF UU TF"},
		{"json_eq/float_not_in_int_set", jv(`1.0`), `[1]`, "FT UUUU UUUU UF UU TF"},
		{"json_eq/neg_zero_not_in_zero_set", jv(`-0`), `[0]`, "FT UUUU UUUU UF UU TF"},
		// integers beyond 2^53 stay exact
		{"bigint/adjacent", jv(`9007199254740993`), `9007199254740992`, "FT TTFF UUUU UU UU TF"},
		{"bigint/equal", jv(`9007199254740993`), `9007199254740993`, "TF FTFT UUUU UU UU TF"},
		{"bigint/in_set", jv(`9007199254740993`), `[9007199254740992, 9007199254740993]`, "FT UUUU UUUU UT UU TF"},
		{"bigint/not_in_set", jv(`9007199254740993`), `[9007199254740992]`, "FT UUUU UUUU UF UU TF"},
		{"bigint/vs_float", jv(`9007199254740993`), `9007199254740992.0`, "FT TTFF UUUU UU UU TF"},
		{"bigint/u64_max_vs_float", jv(`18446744073709551615`), `18446744073709551615.0`, "FT FFTT UUUU UU UU TF"},
		{"bigint/i64_min", jv(`-9223372036854775808`), `-9223372036854775807`, "FT FFTT UUUU UU UU TF"},
		// beyond u64 a literal is a float64, as in the reference
		{"bigint/beyond_u64_same_float", jv(`18446744073709551616`), `18446744073709551617`, "TF FTFT UUUU UU UU TF"},
		// strings
		{"string/same", jv(`"production"`), `"production"`, "TF UUUU FTFT TU UU TF"},
		{"string/substring", jv(`"production-eu"`), `"prod"`, "FT UUUU TTFF TU UU TF"},
		{"string/not_substring", jv(`"staging"`), `"prod"`, "FT UUUU TTFF FU UU TF"},
		{"string/escapes", jv(`"\u0061b\nc"`), `"ab\u000ac"`, "TF UUUU FTFT TU UU TF"},
		{"string/empty_needle", jv(`"abc"`), `""`, "FT UUUU TTFF TU UU TF"},
		{"string/unicode_order", jv(`"\u00e9"`), `"z"`, "FT UUUU TTFF FU UU TF"},
		{"string/astral_vs_bmp", jv(`"\ud83d\ude00"`), `"\uffff"`, "FT UUUU TTFF FU UU TF"},
		{"string/in_set", jv(`"b"`), `["a","b"]`, "FT UUUU UUUU UT UU TF"},
		{"string/vs_number", jv(`"1"`), `1`, "FT UUUU UUUU UU UU TF"},
		// RFC 3339 date-times
		{"datetime/same_instant_other_offset", jv(`"2024-01-01T12:00:00+02:00"`), `"2024-01-01T10:00:00Z"`, "FT FTFT TTFF FU UU TF"},
		{"datetime/later", jv(`"2024-01-01T10:00:00.5Z"`), `"2024-01-01T10:00:00Z"`, "FT TTFF FFTT FU UU TF"},
		{"datetime/lowercase_t_z", jv(`"2024-01-01t09:00:00z"`), `"2024-01-01T10:00:00Z"`, "FT FFTT TTFF FU UU TF"},
		{"datetime/negative_offset", jv(`"2023-12-31T23:30:00-01:00"`), `"2024-01-01T00:15:00Z"`, "FT TTFF FFTT FU UU TF"},
		{"datetime/space_separator", jv(`"2024-01-01 10:00:00Z"`), `"2024-01-01T10:00:00Z"`, "FT FTFT FFTT FU UU TF"},
		{"datetime/leap_second", jv(`"2016-12-31T23:59:60Z"`), `"2016-12-31T23:59:59.999999999Z"`, "FT FTFT TTFF FU UU TF"},
		{"datetime/bad_leap_second", jv(`"2016-12-30T23:59:60Z"`), `"2016-12-31T00:00:00Z"`, "FT UUUU FFTT FU UU TF"},
		{"datetime/in_set", jv(`"2024-01-01T10:00:00Z"`), `["2024-01-01T10:00:00Z"]`, "FT UUUU UUUU UT UU TF"},
		// plain dates
		{"date/less", jv(`"2024-02-29"`), `"2024-3-1"`, "FT FFTT FFTT FU UU TF"},
		{"date/equal_other_spelling", jv(`"2024-03-01"`), `"+2024-3-01"`, "FT FTFT TTFF FU UU TF"},
		{"date/not_a_day", jv(`"2023-02-29"`), `"2023-03-01"`, "FT UUUU FFTT FU UU TF"},
		{"date/vs_datetime", jv(`"2024-01-01"`), `"2024-01-01T00:00:00Z"`, "FT UUUU FFTT FU UU TF"},
		// arrays
		{"array/contains_subset", jv(`[1, 2, 3]`), `[3, 1]`, "FT UUUU UUUU TU FT TF"},
		{"array/contains_missing", jv(`[1, 2, 3]`), `[4]`, "FT UUUU UUUU FU FT TF"},
		{"array/contains_empty", jv(`[1]`), `[]`, "FT UUUU UUUU TU FT TF"},
		{"array/equal", jv(`[1,"a",{"k":null}]`), ` [ 1 , "a" , { "k" : null } ] `, "TF UUUU UUUU TU TF TF"},
		{"array/int_vs_float", jv(`[1]`), `[1.0]`, "FT UUUU UUUU FU FT TF"},
		{"array/order_matters", jv(`[1,2]`), `[2,1]`, "FT UUUU UUUU TU FT TF"},
		{"array/vs_scalar", jv(`[1]`), `1`, "FT UUUU UUUU UU UU TF"},
		// objects
		{"object/equal_any_order", jv(`{"a":1,"b":[true]}`), `{"b":[true],"a":1}`, "TF UUUU UUUU UU TF TF"},
		{"object/different", jv(`{"a":1}`), `{"a":2}`, "FT UUUU UUUU UU FT TF"},
		{"object/extra_key", jv(`{"a":1,"b":2}`), `{"a":1}`, "FT UUUU UUUU UU FT TF"},
		{"object/duplicate_key_last_wins", jv(`{"a":1,"a":2}`), `{"a":2}`, "TF UUUU UUUU UU TF TF"},
		{"object/vs_array", jv(`{}`), `[]`, "FT UUUU UUUU UU UU TF"},
		// null evidence values are present
		{"null/vs_value", jv(`null`), `1`, "FT UUUU UUUU UU UU TF"},
		{"null/in_set", jv(`null`), `[null]`, "FT UUUU UUUU UT UU TF"},
		{"null/empty_json_is_null", evidence.JSONOf(nil), `[null]`, "FT UUUU UUUU UT UU TF"},
		{"null/expected_null_is_absent", jv(`null`), `null`, "UU UUUU UUUU UU UU TF"},
		// bytes evidence
		{"bytes/equal", bv(1, 2, 255), `[1,2,255]`, "TF UUUU UUUU UU UU TF"},
		{"bytes/different", bv(1, 2), `[1,2,3]`, "FT UUUU UUUU UU UU TF"},
		{"bytes/empty", bv(), `[]`, "TF UUUU UUUU UU UU TF"},
		{"bytes/out_of_range", bv(1), `[256]`, "UU UUUU UUUU UU UU TF"},
		{"bytes/float_element", bv(1), `[1.0]`, "UU UUUU UUUU UU UU TF"},
		{"bytes/late_bad_element", bv(9), `[1, -1]`, "UU UUUU UUUU UU UU TF"},
		{"bytes/not_array", bv(1), `"AQ=="`, "UU UUUU UUUU UU UU TF"},
		// absent sides
		{"absent/value", nil, `1`, "UU UUUU UUUU UU UU FT"},
		{"absent/value_and_expected", nil, absent, "UU UUUU UUUU UU UU FT"},
		{"absent/expected", jv(`1`), absent, "UU UUUU UUUU UU UU TF"},
		// malformed or refused JSON
		{"malformed/value", jv(`{"a":`), `1`, "UU UUUU UUUU UU UU TF"},
		{"malformed/expected", jv(`1`), `1 2`, "UU UUUU UUUU UU UU TF"},
		{"refused/out_of_range_number", jv(`1e400`), `1e400`, "UU UUUU UUUU UU UU TF"},
		{"refused/lone_surrogate", jv(`"\ud800"`), `"\ud800"`, "UU UUUU UUUU UU UU TF"},
		{"refused/invalid_utf8", jv("\"\xff\""), "\"\xff\"", "UU UUUU UUUU UU UU TF"},
		{"refused/leading_zero", jv(`01`), `1`, "UU UUUU UUUU UU UU TF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := statuses(t, tc.want)
			var exp json.RawMessage
			if tc.e != absent {
				exp = json.RawMessage(tc.e)
			}
			var before []byte
			if tc.v != nil {
				before = append([]byte(nil), tc.v.JSON...)
			}
			expBefore := string(exp)
			for i, c := range evidence.Comparators() {
				if got := Evaluate(c, tc.v, exp); got != want[i] {
					t.Errorf("%s: got %v, want %v", c, got, want[i])
				}
			}
			if tc.v != nil && string(tc.v.JSON) != string(before) || string(exp) != expBefore {
				t.Errorf("Evaluate modified its inputs")
			}
		})
	}
}

func TestEvaluate_invalidComparator(t *testing.T) {
	for _, c := range []evidence.Comparator{0, evidence.NotExists + 1} {
		if got := Evaluate(c, jv(`1`), json.RawMessage(`1`)); got != evidence.Unknown {
			t.Errorf("comparator %d: got %v, want Unknown", c, got)
		}
	}
}

func TestEvaluate_deepNesting(t *testing.T) {
	deep := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if got := Evaluate(evidence.DeepEquals, jv(deep), json.RawMessage(deep)); got != evidence.True {
		t.Errorf("depth %d: got %v, want True", maxDepth, got)
	}
	tooDeep := "[" + deep + "]"
	if got := Evaluate(evidence.DeepEquals, jv(tooDeep), json.RawMessage(tooDeep)); got != evidence.Unknown {
		t.Errorf("depth %d: got %v, want Unknown", maxDepth+1, got)
	}
}

func TestEvaluate_longEscapedStrings(t *testing.T) {
	// Escaped strings longer than the on-stack scratch buffer.
	long := strings.Repeat("x", 100)
	v := jv(`"` + long + `\u0041"`)
	if got := Evaluate(evidence.Equals, v, json.RawMessage(`"`+long+`A"`)); got != evidence.True {
		t.Errorf("equals: got %v, want True", got)
	}
	if got := Evaluate(evidence.Contains, v, json.RawMessage(`"x\u0041"`)); got != evidence.True {
		t.Errorf("contains: got %v, want True", got)
	}
}
