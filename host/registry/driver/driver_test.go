package driver

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestEncodeKey(t *testing.T) {
	for _, tc := range []struct {
		k    Key
		want string
	}{
		{Key{"orders", "v1"}, "orders\x00v1"},
		{Key{"", ""}, "\x00"},
		{Key{"a\x00b", "1"}, "a\x00\xffb\x00" + "1"},
		{Key{"a", "\x00"}, "a\x00\x00"},
	} {
		if got := string(EncodeKey(tc.k)); got != tc.want {
			t.Errorf("EncodeKey(%q) = %q, want %q", tc.k, got, tc.want)
		}
		back, err := DecodeKey([]byte(tc.want))
		if err != nil || back != tc.k {
			t.Errorf("DecodeKey(%q) = %q, %v", tc.want, back, err)
		}
	}
	if _, err := DecodeKey([]byte("no separator")); err == nil {
		t.Errorf("DecodeKey accepted a key without a separator")
	}
}

// FuzzEncodeKey checks that EncodeKey is injective and order-preserving for
// valid UTF-8 keys, and that DecodeKey reverses it.
func FuzzEncodeKey(f *testing.F) {
	f.Add("a", "1", "a\x00", "")
	f.Add("a", "", "a", "\x00")
	f.Add("ab", "1", "a\x00b", "1")
	f.Add("é", "9", "e", "10")
	f.Fuzz(func(t *testing.T, id1, v1, id2, v2 string) {
		for _, s := range []string{id1, v1, id2, v2} {
			if !utf8.ValidString(s) {
				return
			}
		}
		a, b := Key{id1, v1}, Key{id2, v2}
		ea, eb := EncodeKey(a), EncodeKey(b)
		if got, want := bytes.Compare(ea, eb), Compare(a, b); got != want {
			t.Fatalf("keys %q %q: encoded order %d, key order %d", a, b, got, want)
		}
		if back, err := DecodeKey(ea); err != nil || back != a {
			t.Fatalf("DecodeKey(EncodeKey(%q)) = %q, %v", a, back, err)
		}
	})
}
