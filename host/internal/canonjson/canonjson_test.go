package canonjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
)

func TestTransform_rfc8785Sample(t *testing.T) {
	// RFC 8785 §3.2.2, with the expected output of §3.2.4.
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],` +
		`"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],` +
		`"string":"€$\u000f\nA'B\"\\\\\"/"}`
	got, err := Transform([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSHA256_selfTestVectors(t *testing.T) {
	// Reference spec §4.3.
	tests := []struct {
		name string
		v    any
		doc  string
		want string
	}{
		{"true", true, " true ", "b5bea41b6c623f7c09f1bf24dcae58ebab3c0cdd90ad966bc43a45b44867e12b"},
		{"hello world", map[string]string{"hello": "world"}, "{ \"hello\" : \"world\" }\n", "93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588"},
		{"empty array", []int{}, "[ ]", "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SHA256(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("SHA256(%v) = %s, want %s", tc.v, got, tc.want)
			}
			canon, err := Transform([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := SHA256Bytes(canon); got != tc.want {
				t.Errorf("SHA256Bytes(Transform(%q)) = %s, want %s", tc.doc, got, tc.want)
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	type record struct {
		Zeta  string          `json:"zeta"`
		Alpha float64         `json:"alpha"`
		Big   uint64          `json:"big"`
		Neg   int64           `json:"neg"`
		Raw   json.RawMessage `json:"raw"`
		Opt   *string         `json:"opt"`
	}
	v := record{
		Zeta:  "<a href=\"x\">&amp;</a>\u2028\u2029/",
		Alpha: 1.0,
		Big:   math.MaxUint64,
		Neg:   math.MinInt64,
		Raw:   json.RawMessage(`{"y": 2.50, "x": [1e2]}`),
	}
	want := `{"alpha":1,"big":18446744073709551615,"neg":-9223372036854775808,` +
		`"opt":null,"raw":{"x":[100],"y":2.5},` +
		"\"zeta\":\"<a href=\\\"x\\\">&amp;</a>\u2028\u2029/\"}"
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMarshal_errors(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), make(chan int), map[string]any{"f": func() {}}} {
		_, err := Marshal(v)
		if err == nil || !strings.HasPrefix(err.Error(), "canonjson: marshal: ") {
			t.Errorf("Marshal(%T) err = %v, want a canonjson: marshal: error", v, err)
		}
		if _, err := SHA256(v); err == nil {
			t.Errorf("SHA256(%T) succeeded", v)
		}
	}
}

func TestAppendTransform(t *testing.T) {
	prefix := []byte("prefix:")
	dst := append(make([]byte, 0, 64), prefix...)
	out, err := AppendTransform(dst, []byte(`{"b":1, "a":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `prefix:{"a":2,"b":1}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
	out, err = AppendTransform(dst, []byte(`{"b":1, "a":}`))
	if err == nil {
		t.Fatal("AppendTransform accepted an invalid document")
	}
	if !bytes.Equal(out, prefix) {
		t.Errorf("on error got %q, want the original %q", out, prefix)
	}
	out, err = AppendTransform(nil, []byte(`[1.0]`))
	if err != nil || string(out) != "[1]" {
		t.Errorf("AppendTransform(nil) = %q, %v", out, err)
	}
}

func TestSHA256Bytes(t *testing.T) {
	if got, want := SHA256Bytes(nil), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; got != want {
		t.Errorf("SHA256Bytes(nil) = %s, want %s", got, want)
	}
}

func TestTransform_depth(t *testing.T) {
	nest := func(n int, open, close string) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	mixed := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i%2 == 0 {
				b.WriteString(`{"k":`)
			} else {
				b.WriteString(`[`)
			}
		}
		b.WriteString("0")
		for i := n - 1; i >= 0; i-- {
			if i%2 == 0 {
				b.WriteString(`}`)
			} else {
				b.WriteString(`]`)
			}
		}
		return b.String()
	}
	for _, tc := range []struct {
		name    string
		doc     string
		ok      bool
		wantOff int // offset of the first container past the limit
	}{
		{"arrays at limit", nest(MaxDepth, "[", "]"), true, 0},
		{"arrays past limit", nest(MaxDepth+1, "[", "]"), false, MaxDepth},
		{"objects at limit", mixed(MaxDepth), true, 0},
		{"objects past limit", mixed(MaxDepth + 1), false, MaxDepth / 2 * (len(`{"k":`) + len(`[`))},
		{"very deep", nest(1_000_000, "[", "]"), false, MaxDepth},
		{"very deep unterminated", strings.Repeat(`{"a":`, 1_000_000), false, MaxDepth * len(`{"a":`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Transform([]byte(tc.doc))
			if tc.ok {
				if err != nil || string(got) != tc.doc {
					t.Errorf("Transform failed or changed the document: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrTooDeep) {
				t.Fatalf("err = %v, want ErrTooDeep", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset != tc.wantOff {
				t.Errorf("err = %v, want offset %d", err, tc.wantOff)
			}
			if !strings.Contains(err.Error(), "nesting deeper than 512 levels") {
				t.Errorf("err = %v, want it to name the limit", err)
			}
		})
	}
}

func TestTransform_concurrent(t *testing.T) {
	docs := make([]string, 16)
	for i := range docs {
		docs[i] = fmt.Sprintf(`{"n":%d,"s":"%s","a":[{"z":%d,"y":"\u00e9"}]}`, i, strings.Repeat("x", i*50), i)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := (g + i) % len(docs)
				got, err := Transform([]byte(docs[k]))
				want := fmt.Sprintf(`{"a":[{"y":"é","z":%d}],"n":%d,"s":"%s"}`, k, k, strings.Repeat("x", k*50))
				if err != nil || string(got) != want {
					t.Errorf("goroutine %d: got %s, %v; want %s", g, got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
