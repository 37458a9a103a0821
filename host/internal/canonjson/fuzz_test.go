package canonjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are small documents that reach every branch of the parser.
var fuzzSeeds = []string{
	`true`, `false`, `null`, `0`, `-0`, `-0.0`, `1.0`, `1e2`, `1E+2`, `1e-7`,
	`18446744073709551615`, `18446744073709551616`, `-9223372036854775808`,
	`9007199254740993`, `1e400`, `01`, `[1,]`,
	`{"hello":"world"}`, `[]`, `{}`, `[[[]]]`,
	`{"b":1,"a":{"d":[1,2,{"f":null,"e":true}],"c":"x"}}`,
	`{"a":1,"a":2}`,
	`"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"`,
	`{"\u20ac":1,"\r":2,"\ufb33":3,"1":4,"\ud83d\ude00":5,"\u0080":6,"\u00f6":7}`,
	`"\ud800"`, `"\udc00"`, "\"\xff\"", "\"\u2028<>&\"",
	` { "x" : [ 1 , 2.50 , -3e-9 ] } `,
}

func FuzzTransform(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, tc := range rfc8785AppendixB {
		f.Add([]byte(strconv.FormatFloat(math.Float64frombits(tc.bits), 'e', -1, 64)))
	}
	for _, rel := range goldenFiles(f) {
		f.Add(readConformance(f, rel))
	}
	f.Add(readConformance(f, "contract/examples/scenario.json"))

	f.Fuzz(func(t *testing.T, doc []byte) {
		orig := bytes.Clone(doc)
		out, err := Transform(doc)
		if !bytes.Equal(doc, orig) {
			t.Fatal("Transform modified its input")
		}
		if err != nil {
			checkFuzzError(t, doc, err)
			return
		}
		if !json.Valid(doc) {
			t.Fatalf("accepted a document encoding/json rejects: %q", doc)
		}
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("output is not valid JSON/UTF-8: %q", out)
		}
		again, err := Transform(out)
		if err != nil {
			t.Fatalf("Transform(output) failed: %v\noutput: %q", err, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n once: %q\ntwice: %q", out, again)
		}
		// Canonicalisation must not change meaning (as encoding/json sees it).
		var a, b any
		if err := json.Unmarshal(doc, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("meaning changed:\n in: %q\nout: %q", doc, out)
		}
	})
}

// checkFuzzError checks that a rejection is well formed and justified:
// documents that encoding/json accepts may only fail for the reasons this
// package is stricter about.
func checkFuzzError(t *testing.T, doc []byte, err error) {
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error is %T, want *Error: %v", err, err)
	}
	if e.Offset < 0 || e.Offset > len(doc) {
		t.Fatalf("offset %d outside the document of %d bytes", e.Offset, len(doc))
	}
	if !json.Valid(doc) || !utf8.Valid(doc) {
		return
	}
	switch {
	case errors.Is(err, ErrDuplicateKey), errors.Is(err, ErrNumberRange), errors.Is(err, ErrTooDeep):
	case errors.Is(err, ErrSyntax) && strings.Contains(err.Error(), "surrogate"):
	default:
		t.Fatalf("rejected a valid document: %v\ndoc: %q", err, doc)
	}
}
