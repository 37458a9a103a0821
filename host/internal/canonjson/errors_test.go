package canonjson

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTransform_invalid(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		kind    error
		wantErr string // substring of the message
		offset  int
	}{
		{"empty", "", ErrSyntax, "unexpected end of input, expected value", 0},
		{"only whitespace", " \n\t ", ErrSyntax, "unexpected end of input, expected value", 4},
		{"trailing data", `{"a":1}x`, ErrSyntax, "invalid character 'x', expected end of input", 7},
		{"two values", `1 2`, ErrSyntax, "invalid character '2', expected end of input", 2},
		{"byte-order mark", "\xef\xbb\xbf{}", ErrSyntax, "invalid character byte 0xef, expected value", 0},
		{"comment", `[1 /* c */]`, ErrSyntax, "invalid character '/'", 3},
		{"trailing comma in array", `[1,]`, ErrSyntax, "invalid character ']', expected value", 3},
		{"trailing comma in object", `{"a":1,}`, ErrSyntax, "expected string for object key", 7},
		{"unquoted key", `{a:1}`, ErrSyntax, "invalid character 'a', expected string for object key", 1},
		{"single quotes", `['a']`, ErrSyntax, `invalid character '\'', expected value`, 1},
		{"missing colon", `{"a" 1}`, ErrSyntax, "expected ':' after object key", 5},
		{"missing comma", `[1 2]`, ErrSyntax, "expected ',' or ']' after array element", 3},
		{"unclosed array", `[1,2`, ErrSyntax, "unexpected end of input, expected ',' or ']'", 4},
		{"unclosed object", `{"a":1`, ErrSyntax, "unexpected end of input, expected ',' or '}'", 6},
		{"leading zero", `01`, ErrSyntax, "leading zero in number", 0},
		{"negative leading zero", `-012`, ErrSyntax, "leading zero in number", 1},
		{"lone minus", `-`, ErrSyntax, "unexpected end of input, expected digit in number", 1},
		{"plus sign", `+1`, ErrSyntax, "invalid character '+', expected value", 0},
		{"bare fraction", `.5`, ErrSyntax, "invalid character '.', expected value", 0},
		{"trailing dot", `1.`, ErrSyntax, "expected digit after decimal point", 2},
		{"dot exponent", `1.e5`, ErrSyntax, "invalid character 'e', expected digit after decimal point", 2},
		{"empty exponent", `1e`, ErrSyntax, "expected digit in exponent", 2},
		{"signed empty exponent", `1e+`, ErrSyntax, "expected digit in exponent", 3},
		{"hex number", `0x10`, ErrSyntax, "invalid character 'x', expected end of input", 1},
		{"NaN", `NaN`, ErrSyntax, "invalid character 'N', expected value", 0},
		{"Infinity", `[Infinity]`, ErrSyntax, "invalid character 'I', expected value", 1},
		{"negative Infinity", `-Infinity`, ErrSyntax, "invalid character 'I', expected digit in number", 1},
		{"overflow", `{"n":1e309}`, ErrNumberRange, "number 1e309 overflows float64", 5},
		{"truncated literal", `tru`, ErrSyntax, "unexpected end of input, expected literal true", 3},
		{"misspelt literal", `[nul1]`, ErrSyntax, "invalid character '1', expected literal null", 4},
		{"capitalised literal", `True`, ErrSyntax, "invalid character 'T', expected value", 0},
		{"literal with suffix", `falsey`, ErrSyntax, "invalid character 'y', expected end of input", 5},
		{"unterminated string", `"abc`, ErrSyntax, "unterminated string", 0},
		{"raw newline in string", "\"a\nb\"", ErrSyntax, "control character byte 0x0a in string must be escaped", 2},
		{"raw tab in string", "\"\t\"", ErrSyntax, "control character byte 0x09 in string", 1},
		{"bad escape", `"\x41"`, ErrSyntax, "invalid escape sequence 'x'", 1},
		{"backslash at end", `"\`, ErrSyntax, "unterminated escape sequence", 1},
		{"short unicode escape", `"\u12"`, ErrSyntax, `invalid \u escape, expected four hex digits`, 1},
		{"non-hex unicode escape", `"\u00g0"`, ErrSyntax, `invalid \u escape`, 1},
		{"lone high surrogate", `"\ud800"`, ErrSyntax, "unpaired high surrogate", 1},
		{"lone low surrogate", `"a\udc00"`, ErrSyntax, "unpaired low surrogate", 2},
		{"high surrogate then letter", `"\ud800\u0041"`, ErrSyntax, "unpaired high surrogate", 1},
		{"two high surrogates", `"\ud800\ud800"`, ErrSyntax, "unpaired high surrogate", 1},
		{"high surrogate then short escape", `"\ud83d\n"`, ErrSyntax, "unpaired high surrogate", 1},
		{"high surrogate then bad hex", `"\ud83d\uzzzz"`, ErrSyntax, `invalid \u escape`, 7},
		{"invalid UTF-8 byte", "\"a\xffb\"", ErrSyntax, "invalid UTF-8 in string", 2},
		{"truncated UTF-8", "\"\xc3\"", ErrSyntax, "invalid UTF-8 in string", 1},
		{"overlong UTF-8", "\"\xc0\xaf\"", ErrSyntax, "invalid UTF-8 in string", 1},
		{"UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", ErrSyntax, "invalid UTF-8 in string", 1},
		{"non-ASCII outside string", "[\u00e9]", ErrSyntax, "invalid character byte 0xc3, expected value", 1},
		{"duplicate key", `{"a":1,"a":2}`, ErrDuplicateKey, `duplicate key "a"`, 7},
		{"duplicate key after sorting", `{"b":1,"a":2,"b":3}`, ErrDuplicateKey, `duplicate key "b"`, 13},
		{"duplicate key via escape", `{"a":1,"\u0061":2}`, ErrDuplicateKey, `duplicate key "\u0061"`, 7},
		{"duplicate key via surrogates", "{\"\\ud83d\\ude00\":1,\"x\":0,\"\U0001f600\":2}", ErrDuplicateKey, "duplicate key \"\U0001f600\"", 24},
		{"duplicate key nested", `[{"x":{"k":1,"j":0,"k":2}}]`, ErrDuplicateKey, `duplicate key "k"`, 19},
		{"error inside nested value", `{"a":[1,{"b":tru}]}`, ErrSyntax, "expected literal true", 16},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			got, err := Transform(doc)
			if err == nil {
				t.Fatalf("Transform(%q) = %s, want an error", tc.doc, got)
			}
			if got != nil {
				t.Errorf("Transform returned %q alongside an error", got)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("err = %v, want kind %v", err, tc.kind)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "canonjson: ") || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("err = %q, want it to contain %q", msg, tc.wantErr)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err is %T, want *Error", err)
			}
			if e.Offset != tc.offset {
				t.Errorf("offset = %d, want %d (%v)", e.Offset, tc.offset, err)
			}
			if string(doc) != tc.doc {
				t.Error("Transform modified its input")
			}
		})
	}
}

func TestError_longDuplicateKeyIsClipped(t *testing.T) {
	key := strings.Repeat("é", 100)
	_, err := Transform([]byte(`{"` + key + `":1,"` + key + `":2}`))
	if !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("err = %v, want ErrDuplicateKey", err)
	}
	msg := err.Error()
	if len(msg) > 120 || !strings.Contains(msg, `"ééé`) || !strings.Contains(msg, "...") {
		t.Errorf("message not clipped: %q", msg)
	}
	if !utf8.ValidString(msg) {
		t.Errorf("clipping split a character: %q", msg)
	}
}
