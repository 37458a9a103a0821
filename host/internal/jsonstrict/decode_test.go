package jsonstrict

import (
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
