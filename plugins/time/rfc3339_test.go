package main

import (
	"testing"
	"time"
)

func TestRFC3339Millis(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1970-01-01T00:00:00Z", 0, true},
		{"1970-01-01T00:00:00.999Z", 999, true},
		{"1970-01-01T00:00:00.9999999999999Z", 999, true},
		{"1969-12-31T23:59:59.9995Z", 0, true}, // -0.5 ms truncates toward zero
		{"1969-12-31T23:59:59.999Z", -1, true},
		{"1969-12-31T23:59:58.5Z", -1500, true},
		{"0000-01-01T00:00:00Z", -62167219200000, true},
		{"9999-12-31T23:59:59.999Z", 253402300799999, true},
		{"2024-02-29T00:00:00Z", 1709164800000, true},
		{"2024-01-01T00:00:00+23:59", 1704067200000 - (23*3600+59*60)*1000, true},
		{"2024-01-01T00:00:00-00:00", 1704067200000, true},
		{"2024-01-01x00:00:00Z", 1704067200000, true},
		{"2016-12-31T23:59:60Z", 1483228799999, true},
		{"2016-12-31T23:59:60.5Z", 1483228799999, true},
		{"2017-01-01T00:59:60+01:00", 1483228799999, true},
		{"2016-12-30T23:59:60Z", 0, false}, // not the last day of the month
		{"2016-12-31T22:59:60Z", 0, false},
		{"2024-01-01T24:00:00Z", 0, false},
		{"2024-01-01T00:60:00Z", 0, false},
		{"2024-13-01T00:00:00Z", 0, false},
		{"2024-00-01T00:00:00Z", 0, false},
		{"2024-01-00T00:00:00Z", 0, false},
		{"2024-04-31T00:00:00Z", 0, false},
		{"1900-02-29T00:00:00Z", 0, false},
		{"2000-02-29T00:00:00Z", 951782400000, true},
		{"2024-01-01T00:00:00+24:00", 0, false},
		{"2024-01-01T00:00:00+01:60", 0, false},
		{"2024-01-01T00:00:00+0100", 0, false},
		{"2024-01-01T00:00:00", 0, false},
		{"2024-01-01T00:00:00.Z", 0, false},
		{"2024-01-01T00:00Z", 0, false},
		{"2024-01-01T00:00:00ZZ", 0, false},
		{"24-01-01T00:00:00Z", 0, false},
		{"+2024-01-01T00:00:00Z", 0, false},
		{"2024-1-01T00:00:00Z", 0, false},
		{"2024-01-01", 0, false},
		{"2024-01-01T", 0, false},
		{"2024-01-01é00:00:00Z", 0, false}, // the separator is one byte
		{" 2024-01-01T00:00:00Z", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, err := rfc3339Millis(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && got != tc.want {
			t.Errorf("%q = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// On ordinary timestamps the parser agrees with the standard library.
func TestRFC3339Millis_matchesStdlib(t *testing.T) {
	for _, s := range []string{
		"2024-06-30T12:34:56Z",
		"2024-06-30T12:34:56.123456789+05:30",
		"1999-12-31T23:59:59.5-08:00",
		"1901-03-04T05:06:07Z",
	} {
		ref, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rfc3339Millis(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if want := ref.UnixNano() / 1e6; got != want {
			t.Errorf("%s = %d, want %d", s, got, want)
		}
	}
}

func FuzzRFC3339Millis(f *testing.F) {
	for _, s := range []string{"2024-01-01T00:00:00Z", "2016-12-31T23:59:60Z", "1969-12-31T23:59:59.9995-23:59", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := rfc3339Millis(s)
		if err == nil {
			if ms < -62167219200000-86400000 || ms > 253402300799999+86400000 {
				t.Fatalf("%q gave out-of-range %d", s, ms)
			}
		}
	})
}
