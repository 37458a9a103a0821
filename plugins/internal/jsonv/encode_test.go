package jsonv

import (
	"math"
	"testing"
)

func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001f` + "\x7f" + `"`},
		{"<>&/\u2028é😀", "\"<>&/\u2028é😀\""},
		{"bad\xffbyte", "\"bad\uFFFDbyte\""},
	}
	for _, tc := range tests {
		if got := string(AppendString(nil, tc.in)); got != tc.want {
			t.Errorf("AppendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestMarshal(t *testing.T) {
	m := NewMembers()
	m.Set("z", IntValue(-3))
	m.Set("a", ArrayValue([]*Value{
		FloatValue(1), FloatValue(math.Copysign(0, -1)), FloatValue(1e21), FloatValue(0.1),
		FloatValue(math.NaN()), UintValue(math.MaxUint64), NullValue(), BoolValue(true), StringValue("s"),
	}))
	m.Set("o", ObjectValue(nil))
	got := string(Marshal(ObjectValue(m)))
	want := `{"z":-3,"a":[1.0,-0.0,1e+21,0.1,null,18446744073709551615,null,true,"s"],"o":{}}`
	if got != want {
		t.Errorf("Marshal = %s\nwant      %s", got, want)
	}
}
