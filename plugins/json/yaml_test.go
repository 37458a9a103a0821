package main

import (
	"strings"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

func TestParseYAML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty stream", "", `null`},
		{"comment only", "# nothing\n", `null`},
		{"empty document", "---\n", `null`},
		{"mapping", "version: 2\nname: test\n", `{"version":2,"name":"test"}`},
		{"nulls", "a: ~\nb: null\nc: Null\nd: NULL\ne:\n", `{"a":null,"b":null,"c":null,"d":null,"e":null}`},
		{"bools", "a: true\nb: True\nc: TRUE\nd: false\ne: yes\nf: on\ng: tRUE\n", `{"a":true,"b":true,"c":true,"d":false,"e":"yes","f":"on","g":"tRUE"}`},
		{"ints", "a: 12\nb: -3\nc: +4\nd: 0x1F\ne: 0o17\nf: 0b101\ng: -0x10\nh: -0\n", `{"a":12,"b":-3,"c":4,"d":31,"e":15,"f":5,"g":-16,"h":0}`},
		{"leading zero is a string", "a: 017\nb: -01\nc: 0\nd: 00\n", `{"a":"017","b":"-01","c":0,"d":"00"}`},
		{"u64 max", "a: 18446744073709551615\nb: -9223372036854775808\n", `{"a":18446744073709551615,"b":-9223372036854775808}`},
		{"beyond 128 bits is a float", "a: 340282366920938463463374607431768211456\n", `{"a":3.402823669209385e38}`},
		{"floats", "a: 1.5\nb: -0.25\nc: 1e3\nd: .5\ne: 1.\nf: 6.02E23\n", `{"a":1.5,"b":-0.25,"c":1000.0,"d":0.5,"e":1.0,"f":6.02e23}`},
		{"special floats are null", "a: .inf\nb: -.Inf\nc: .NaN\nd: +.INF\n", `{"a":null,"b":null,"c":null,"d":null}`},
		{"float-like strings", "a: inf\nb: nan\nc: 1_000\nd: 0x1p3\ne: 1e\nf: 12:30\n", `{"a":"inf","b":"nan","c":"1_000","d":"0x1p3","e":"1e","f":"12:30"}`},
		{"quoted stays string", "a: \"12\"\nb: 'true'\nc: |\n  x\nd: >\n  y\n", `{"a":"12","b":"true","c":"x\n","d":"y\n"}`},
		{"core tags", "a: !!str 12\nb: !!int \"7\"\nc: !!float 1\nd: !!bool \"true\"\ne: !!null ~\nf: !!binary aGk=\n", `{"a":"12","b":7,"c":1.0,"d":true,"e":null,"f":"aGk="}`},
		{"sequence", "- 1\n- two\n- [3, {k: v}]\n", `[1,"two",[3,{"k":"v"}]]`},
		{"keys are text", "1: a\ntrue: b\n~: c\n0x10: d\n", `{"1":"a","true":"b","~":"c","0x10":"d"}`},
		{"duplicate key keeps first position", "a: 1\nb: 2\na: 3\n", `{"a":3,"b":2}`},
		{"anchors and aliases", "base: &b {x: 1}\ncopy: *b\n", `{"base":{"x":1},"copy":{"x":1}}`},
		{"merge key is an ordinary key", "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", `{"base":{"x":1},"m":{"<<":{"x":1},"y":2}}`},
		{"alias as key", "k: &k name\n*k : v\n", `{"k":"name","name":"v"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseYAML([]byte(tc.in))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			want := mustParse(t, tc.want)
			if !jsonv.Equal(got, want) || string(jsonv.Marshal(got)) != string(jsonv.Marshal(want)) {
				t.Errorf("got %s, want %s", jsonv.Marshal(got), jsonv.Marshal(want))
			}
		})
	}
}

func TestParseYAML_invalid(t *testing.T) {
	deep := strings.Repeat("[", 129) + strings.Repeat("]", 129)
	laughs := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	for _, in := range []string{
		"key: : value",
		"a: [1, 2",
		"a: 1\n---\nb: 2\n",
		"a: !local x",
		"a: !!int nope",
		"a: !!bool yes",
		"a: !!float x",
		"a: !!null 0",
		"a: 18446744073709551616",
		"a: -9223372036854775809",
		"? [1, 2]\n: v\n",
		"a: *missing",
		deep,
		laughs,
	} {
		if _, err := parseYAML([]byte(in)); err == nil {
			t.Errorf("%q: parsed, want error", in)
		}
	}
	// 128 levels are fine.
	ok := strings.Repeat("[", 128) + strings.Repeat("]", 128)
	if _, err := parseYAML([]byte(ok)); err != nil {
		t.Errorf("128 levels: %v", err)
	}
}

func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{"a: 1", "- [x, {y: z}]", "a: &a [1]\nb: *a", "!!int 5", "0x1F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseYAML([]byte(s))
		if err != nil {
			return
		}
		if _, err := jsonv.Parse(jsonv.Marshal(v)); err != nil {
			t.Fatalf("%q: output is not JSON: %v", s, err)
		}
	})
}
