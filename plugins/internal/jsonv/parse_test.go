package jsonv

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse_numbers(t *testing.T) {
	tests := []struct {
		in   string
		want Num
	}{
		{"0", Num{Kind: PosInt}},
		{"42", Num{Kind: PosInt, U: 42}},
		{"18446744073709551615", Num{Kind: PosInt, U: math.MaxUint64}},
		{"18446744073709551616", Num{Kind: Float, F: 18446744073709551616}},
		{"-5", Num{Kind: NegInt, I: -5}},
		{"-9223372036854775808", Num{Kind: NegInt, I: math.MinInt64}},
		{"-9223372036854775809", Num{Kind: Float, F: -9223372036854775809}},
		{"-0", Num{Kind: Float, F: math.Copysign(0, -1)}},
		{"1.0", Num{Kind: Float, F: 1}},
		{"1e2", Num{Kind: Float, F: 100}},
		{"1E+2", Num{Kind: Float, F: 100}},
		{"2.5e-3", Num{Kind: Float, F: 0.0025}},
		{"1e-400", Num{Kind: Float, F: 0}},
		{"-0.0", Num{Kind: Float, F: math.Copysign(0, -1)}},
	}
	for _, tc := range tests {
		v, err := Parse([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if v.Kind != Number || v.N.Kind != tc.want.Kind || v.N.U != tc.want.U || v.N.I != tc.want.I ||
			v.N.F != tc.want.F || math.Signbit(v.N.F) != math.Signbit(tc.want.F) {
			t.Errorf("%s = %+v, want %+v", tc.in, v.N, tc.want)
		}
	}
}

func TestParse_values(t *testing.T) {
	v, err := Parse([]byte(" \t\r\n{\"b\":[true,false,null,\"s\\u00e9\\ud83d\\ude00\\n\\/\"],\"a\":{},\"b\":[]} \n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(Marshal(v)); got != `{"b":[],"a":{}}` {
		t.Errorf("duplicate key: %s", got)
	}
	v, err = Parse([]byte(`["s\u00e9\ud83d\ude00\n\/", "\"\\"]`))
	if err != nil {
		t.Fatal(err)
	}
	if v.Arr[0].S != "sé😀\n/" || v.Arr[1].S != `"\` {
		t.Errorf("strings = %q %q", v.Arr[0].S, v.Arr[1].S)
	}
}

func TestParse_invalid(t *testing.T) {
	for _, in := range []string{
		"", " ", "01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "1e400", "-1e400", "[1,]", `{"a":1,}`,
		"{a:1}", "'a'", `"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, "\"\x01\"", "\"\xff\"", "nul", "truex",
		"1 2", `"\x"`, `"\u12"`, "\xef\xbb\xbf{}", "[", "{", `{"a"}`, `{"a":}`, "[1 2]", "NaN", "Infinity",
		strings.Repeat("[", 128) + strings.Repeat("]", 128),
	} {
		if _, err := Parse([]byte(in)); !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: err = %v, want syntax error", in, err)
		}
	}
	if _, err := Parse([]byte(strings.Repeat("[", 127) + strings.Repeat("]", 127))); err != nil {
		t.Errorf("127 levels: %v", err)
	}
	if _, err := Parse([]byte(strings.Repeat(`{"a":`, 127) + "1" + strings.Repeat("}", 127))); err != nil {
		t.Errorf("127 object levels: %v", err)
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`1`, `1`, true},
		{`1`, `1.0`, false},
		{`1.0`, `1.00`, true},
		{`-0.0`, `0.0`, true},
		{`{"a":1,"b":[2]}`, `{"b":[2],"a":1}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`"x"`, `"x"`, true},
		{`null`, `false`, false},
	}
	for _, tc := range tests {
		a, _ := Parse([]byte(tc.a))
		b, _ := Parse([]byte(tc.b))
		if got := Equal(a, b); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2,3.5e1,"x\u00e9"],"b":null}`, `[]`, `"\ud83d\ude00"`, `-0`, `1e-400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil {
			return
		}
		out := Marshal(v)
		w, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !Equal(v, w) {
			t.Fatalf("round trip changed %s into %s", data, out)
		}
	})
}
