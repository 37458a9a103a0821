package jsonstrict

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

type inner struct {
	ID   string          `json:"id"`
	N    uint64          `json:"n"`
	Opt  *string         `json:"opt"`
	Raw  json.RawMessage `json:"raw,omitempty"`
	Must json.RawMessage `json:"must"`
	Def  bool            `json:"def" dg:"optional"`
}

type outer struct {
	Items []inner          `json:"items"`
	Tags  map[string]int64 `json:"tags,omitempty"`
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name, in, wantErr string
	}{
		{"ok", `{"items":[{"id":"a","n":1,"must":null}]}`, ""},
		{"ok unknown ignored", `{"items":[],"zzz":1}`, ""},
		{"ok null optional", `{"items":[{"id":"a","n":1,"opt":null,"raw":null,"must":1}]}`, ""},
		{"missing top", `{}`, "$: missing field `items`"},
		{"missing nested", `{"items":[{"n":1,"must":1}]}`, "$.items[0]: missing field `id`"},
		{"null required", `{"items":[{"id":null,"n":1,"must":1}]}`, "$.items[0]: field `id` must not be null"},
		{"raw required present null ok", `{"items":[{"id":"x","n":1,"must":null}]}`, ""},
		{"raw required missing", `{"items":[{"id":"x","n":1}]}`, "$.items[0]: missing field `must`"},
		{"wrong type", `{"items":[{"id":5,"n":1,"must":1}]}`, "$.items[0].id: invalid type: number 5, expected a string"},
		{"negative u64", `{"items":[{"id":"x","n":-1,"must":1}]}`, "$.items[0].n: invalid value -1, expected a u64"},
		{"map value", `{"items":[],"tags":{"a":"x"}}`, `$.tags["a"]: invalid type: string "x", expected an integer`},
		{"not object", `[1]`, "$: invalid type: array, expected an object"},
		{"syntax", `{"items":[}`, "$: invalid JSON"},
		{"trailing", `{"items":[]} {}`, "trailing data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var o outer
			err := Decode([]byte(tc.in), &o)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestDecodeDepth(t *testing.T) {
	type node struct {
		Kids []node `json:"kids"`
	}
	in := strings.Repeat(`{"kids":[`, MaxDepth) + strings.Repeat(`]}`, MaxDepth)
	var n node
	if err := Decode([]byte(in), &n); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Fatalf("want depth error, got %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"items":[{"id":"a","n":1,"must":null}]}`))
	f.Add([]byte(`{"items":[{"id":"a","n":18446744073709551615,"opt":"x","raw":[1,2],"must":{}}],"tags":{"a":-1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var o outer
		if err := Decode(data, &o); err != nil {
			return
		}
		out, err := json.Marshal(o)
		if err != nil {
			t.Fatalf("marshal after decode: %v", err)
		}
		var o2 outer
		if err := Decode(out, &o2); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
	})
}

func TestParseRefusesBrokenText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"{\"a\":\"\xff\"}", "not valid UTF-8 (byte 6)"},
		{`{"a":"\ud800"}`, `unpaired UTF-16 surrogate \ud800`},
		{`{"a":"\udc00"}`, `unpaired UTF-16 surrogate \udc00`},
		{`{"a":"\ud800\u0041"}`, `unpaired UTF-16 surrogate \ud800`},
		{`{"a":"\ud800`, `unpaired UTF-16 surrogate`},
	} {
		if _, err := Parse([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	for _, ok := range []string{`{"a":"\ud83d\ude00"}`, `{"a":"\\ud800"}`, `{"a":"é😀"}`, `{"a":"\u0041\\"}`} {
		if _, err := Parse([]byte(ok)); err != nil {
			t.Errorf("Parse(%q) = %v", ok, err)
		}
	}
}

func TestParseRefusesDuplicateKeys(t *testing.T) {
	_, err := Parse([]byte(`{"a":{"b":1,"c":{"":1,"":2}}}`))
	if err == nil || !strings.Contains(err.Error(), `$["a"]["c"][""]: duplicate key ""`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Parse([]byte(`[{"a":1},{"a":2}]`)); err != nil {
		t.Fatalf("the same key in sibling objects: %v", err)
	}
}

func TestDecodeRefusesCaseVariantFields(t *testing.T) {
	var v struct {
		Params map[string]any `json:"params,omitempty"`
	}
	err := Decode([]byte(`{"pArAms":{"a":1}}`), &v)
	if err == nil || !strings.Contains(err.Error(), "unknown field `pArAms`") {
		t.Fatalf("err = %v, decoded %v", err, v)
	}
}

// FuzzRepeatedKeys: the fast scan never misses a repeated key that the
// exact walk finds.
func FuzzRepeatedKeys(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":[{"c":1,"c":2}]}}`, `{"\u0061":1,"a":2}`, `[{"a":1},{"a":1}]`, `{"a":"}","b":"{"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) || checkText(data) != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		_, err := parseValue(dec, "$", 0)
		if err != nil && strings.Contains(err.Error(), "duplicate key") && !mayRepeatKeys(data) {
			t.Fatalf("fast scan missed a repeated key in %s: %v", data, err)
		}
	})
}
