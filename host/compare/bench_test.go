package compare

import (
	"encoding/json"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
)

func BenchmarkEvaluate(b *testing.B) {
	cases := []struct {
		name string
		c    evidence.Comparator
		v    *evidence.Value
		e    string
	}{
		{"equals/bool", evidence.Equals, jv(`true`), `true`},
		{"equals/string", evidence.Equals, jv(`"production"`), `"production"`},
		{"equals/int", evidence.Equals, jv(`200`), `200`},
		{"equals/int_vs_float", evidence.Equals, jv(`10`), `10.0`},
		{"equals/bigint_vs_float", evidence.Equals, jv(`9007199254740993`), `9007199254740992.0`},
		{"equals/escaped_string", evidence.Equals, jv(`"caf\u00e9"`), `"café"`},
		{"not_equals/string", evidence.NotEquals, jv(`"staging"`), `"production"`},
		{"ordering/int", evidence.GreaterThanOrEqual, jv(`1700000000000`), `1690000000000`},
		{"ordering/float", evidence.LessThan, jv(`0.25`), `92.5`},
		{"ordering/datetime", evidence.GreaterThan, jv(`"2024-06-01T12:00:00.123+02:00"`), `"2024-06-01T09:00:00Z"`},
		{"ordering/date", evidence.LessThanOrEqual, jv(`"2024-02-29"`), `"2024-03-01"`},
		{"lex/string", evidence.LexGreaterThan, jv(`"beta"`), `"alpha"`},
		{"contains/string", evidence.Contains, jv(`"deploy to production-eu"`), `"production"`},
		{"contains/array", evidence.Contains, jv(`["a","b","c","d"]`), `["d","b"]`},
		{"in_set/string", evidence.InSet, jv(`"eu-west-1"`), `["us-east-1","us-west-2","eu-west-1"]`},
		{"in_set/int", evidence.InSet, jv(`404`), `[200,201,204,404]`},
		{"deep_equals/array", evidence.DeepEquals, jv(`[1,2,3,"x"]`), `[1,2,3,"x"]`},
		{"deep_equals/object", evidence.DeepEquals, jv(`{"a":1,"b":{"c":[true,null]}}`), `{"b":{"c":[true,null]},"a":1}`},
		{"exists/present", evidence.Exists, jv(`{"a":1}`), ``},
		{"bytes/equals", evidence.Equals, bv(0xde, 0xad, 0xbe, 0xef), `[222,173,190,239]`},
	}
	for _, tc := range cases {
		e := json.RawMessage(tc.e)
		if tc.e == "" {
			e = nil
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink evidence.TriState
			for b.Loop() {
				sink = Evaluate(tc.c, tc.v, e)
			}
			if sink == evidence.Unknown {
				b.Fatalf("%s evaluated to Unknown", tc.name)
			}
		})
	}
}
