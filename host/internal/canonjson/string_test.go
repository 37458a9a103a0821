package canonjson

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestTransform_strings(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", `""`, `""`},
		{"plain", `"hello"`, `"hello"`},
		{"short escapes kept", `"\"\\\b\f\n\r\t"`, `"\"\\\b\f\n\r\t"`},
		{"solidus unescaped", `"a\/b"`, `"a/b"`},
		{"unicode escapes of short escapes", `"\u0022\u005c\u0008\u000c\u000a\u000d\u0009"`, `"\"\\\b\f\n\r\t"`},
		{"control characters lower-case hex", `"\u0000\u0001\u001F\u000B\u001e"`, `"\u0000\u0001\u001f\u000b\u001e"`},
		{"delete is raw", `"\u007f"`, "\"\x7f\""},
		{"html characters raw", `"\u003c\u003e\u0026<>&"`, `"<>&<>&"`},
		{"line separators raw", `"\u2028\u2029"`, "\"\u2028\u2029\""},
		{"non-ASCII raw", `"\u00e9\u20AC"`, `"é€"`},
		{"raw UTF-8 kept", `"é€😀"`, `"é€😀"`},
		{"surrogate pair", `"\ud83d\ude00"`, `"😀"`},
		{"upper-case surrogate pair", `"\uD83D\uDE00"`, `"😀"`},
		{"max code point", `"\udbff\udfff"`, "\"\U0010ffff\""},
		{"replacement character", `"\ufffd"`, "\"\ufffd\""},
		{"BOM inside string", `"\ufeff"`, "\"\ufeff\""},
		{"nul", `"a\u0000b"`, `"a\u0000b"`},
		{"mixed", `"x\ty\u00e9\"z"`, `"x\tyé\"z"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Transform([]byte(tc.in))
			if err != nil {
				t.Fatalf("Transform(%s): %v", tc.in, err)
			}
			if string(got) != tc.want {
				t.Errorf("Transform(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestTransform_rfc8785KeySort(t *testing.T) {
	// RFC 8785 §3.2.3: keys sorted by UTF-16 code units.
	in := `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`
	want := "{" +
		`"\r":"Carriage Return",` +
		`"1":"One",` +
		"\"\u0080\":\"Control\"," +
		"\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
		"\"\u20ac\":\"Euro Sign\"," +
		"\"\U0001f600\":\"Emoji: Grinning Face\"," +
		"\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"" +
		"}"
	got, err := Transform([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestTransform_keyOrder(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"already sorted", `{"a":1,"b":2}`, `{"a":1,"b":2}`},
		{"reversed", `{"b":2,"a":1}`, `{"a":1,"b":2}`},
		{"prefix first", `{"ab":1,"a":2}`, `{"a":2,"ab":1}`},
		{"upper before lower", `{"a":1,"B":2}`, `{"B":2,"a":1}`},
		{"nested sorted independently", `{"z":{"y":1,"x":2},"a":[{"d":1,"c":2}]}`, `{"a":[{"c":2,"d":1}],"z":{"x":2,"y":1}}`},
		{"escaped key sorts by decoded value", `{"\u0042":1,"A":2,"\n":3}`, `{"\n":3,"A":2,"B":1}`},
		{"escaped quote key", `{"\"":1,"!":2}`, `{"!":2,"\"":1}`},
		{"empty key", `{"a":1,"":2}`, `{"":2,"a":1}`},
		{"many keys", `{"j":0,"i":1,"h":2,"g":3,"f":4,"e":5,"d":6,"c":7,"b":8,"a":9,"k":10,"l":11,"m":12,"n":13}`,
			`{"a":9,"b":8,"c":7,"d":6,"e":5,"f":4,"g":3,"h":2,"i":1,"j":0,"k":10,"l":11,"m":12,"n":13}`},
		{"whitespace everywhere", " { \"b\" : [ 1 , 2 ] ,\n\t\"a\" : { } }\r\n", `{"a":{},"b":[1,2]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Transform([]byte(tc.in))
			if err != nil {
				t.Fatalf("Transform(%s): %v", tc.in, err)
			}
			if string(got) != tc.want {
				t.Errorf("Transform(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

// utf16Less is the obvious, slow definition of the JCS key order.
func utf16Less(a, b string) int {
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
}

func TestCompareUTF16(t *testing.T) {
	samples := []string{
		"", "a", "b", "ab", "\r", "1", "\u0080", "\u00f6", "\u07ff", "\u0800",
		"\ud7ff", "\ue000", "\uf8ff", "\ufb33", "\uffff", "\U00010000",
		"\U0001f600", "\U0010ffff", "a\U0001f600", "a\uffff", "a\ue000b",
		"\u20ac", "\u20acx", "\U0001f600\u0000",
	}
	for _, a := range samples {
		for _, b := range samples {
			want := utf16Less(a, b)
			if got := compareUTF16([]byte(a), []byte(b)); got != want {
				t.Errorf("compareUTF16(%+q, %+q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestTransform_longStrings(t *testing.T) {
	// Already canonical: runs of ASCII, multi-byte UTF-8 and escapes.
	in := `"` + strings.Repeat("abc\u00e9\U0001f600\\n\\u001f", 1000) + `"`
	got, err := Transform([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != in {
		t.Error("Transform changed a canonical long string")
	}
}

func TestTransform_largeObject(t *testing.T) {
	// More members than insertionSortMax, in reverse order, with keys from
	// every UTF-8 length class so the sort.Sort path sees UTF-16 order.
	var keys []string
	for i := range 3 * insertionSortMax {
		keys = append(keys, string([]rune{'a' + rune(i%26), []rune("é€\ufb33😀")[i%4], rune('0' + i/26)}))
	}
	var in strings.Builder
	in.WriteString("{")
	for i := len(keys) - 1; i >= 0; i-- {
		if i != len(keys)-1 {
			in.WriteString(",")
		}
		in.WriteString(`"` + keys[i] + `":` + strconv.Itoa(i))
	}
	in.WriteString("}")

	order := slices.Clone(keys)
	slices.SortFunc(order, utf16Less)
	var want strings.Builder
	want.WriteString("{")
	for i, k := range order {
		if i > 0 {
			want.WriteString(",")
		}
		want.WriteString(`"` + k + `":` + strconv.Itoa(slices.Index(keys, k)))
	}
	want.WriteString("}")

	got, err := Transform([]byte(in.String()))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Errorf("got  %s\nwant %s", got, want.String())
	}

	dup := strings.Replace(in.String(), "}", `,"`+keys[7]+`":0}`, 1)
	if _, err := Transform([]byte(dup)); !errors.Is(err, ErrDuplicateKey) {
		t.Errorf("duplicate in a large object: err = %v, want ErrDuplicateKey", err)
	}
}
