package compare

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
)

// FuzzEvaluate checks that Evaluate never panics and stays consistent:
// exists and not_exists are complementary and never Unknown, equals and
// not_equals are never both True, and a JSON value the standard decoder
// accepts always equals itself and its re-encoding, unless the reference
// would refuse it.
func FuzzEvaluate(f *testing.F) {
	seeds := [][2]string{
		{`true`, `true`}, {`200`, `200.0`}, {`"production"`, `"prod"`}, {`[1,2,3]`, `[3]`},
		{`{"a":1,"b":[null]}`, `{"b":[null],"a":1}`}, {`"2024-01-01T10:00:00Z"`, `"2024-01-01"`},
		{`null`, `[null]`}, {`"\u00e9\ud83d\ude00"`, `"\\"`}, {`-0`, `0`}, {`1e400`, `[]`},
		{`18446744073709551616`, `9007199254740993`}, {`"2016-12-31T23:59:60Z"`, `"2017-01-01T00:00:00z"`},
		{``, `{`}, {`[1,`, `"\ud800"`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], false)
		f.Add(s[0], s[1], true)
	}
	f.Fuzz(func(t *testing.T, val, exp string, asBytes bool) {
		var v *evidence.Value
		if asBytes {
			v = &evidence.Value{Kind: evidence.BytesValue, Bytes: []byte(val)}
		} else {
			v = evidence.JSONOf(json.RawMessage(val))
		}
		e := json.RawMessage(exp)
		for _, vv := range []*evidence.Value{v, nil} {
			ex, nx := Evaluate(evidence.Exists, vv, e), Evaluate(evidence.NotExists, vv, e)
			if ex == evidence.Unknown || ex != nx.Not() {
				t.Fatalf("exists %v, not_exists %v", ex, nx)
			}
			eq, ne := Evaluate(evidence.Equals, vv, e), Evaluate(evidence.NotEquals, vv, e)
			if eq == evidence.True && ne == evidence.True {
				t.Fatalf("equals and not_equals both True")
			}
			if eq != ne.Not() {
				t.Fatalf("equals %v is not the negation of not_equals %v", eq, ne)
			}
			for _, c := range evidence.Comparators() {
				Evaluate(c, vv, e)
			}
		}
		if asBytes || !json.Valid([]byte(val)) {
			return
		}
		a := parseValue([]byte(val))
		if a.kind == kindInvalid || a.kind == kindNull {
			return
		}
		if got := Evaluate(evidence.Equals, v, json.RawMessage(val)); got != evidence.True {
			t.Fatalf("%s equals itself: got %v", val, got)
		}
		if a.kind == kindArray || a.kind == kindObject {
			if got := Evaluate(evidence.DeepEquals, v, json.RawMessage(val)); got != evidence.True {
				t.Fatalf("%s deep_equals itself: got %v", val, got)
			}
		}
		// A re-encoding by encoding/json (other whitespace, escapes for
		// <, > and &, sorted keys, duplicates dropped) is the same value.
		dec := json.NewDecoder(strings.NewReader(val))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return
		}
		again, err := json.Marshal(doc)
		if err != nil {
			return
		}
		if got := Evaluate(evidence.Equals, v, again); got != evidence.True {
			t.Fatalf("%s equals its re-encoding %s: got %v", val, again, got)
		}
	})
}
