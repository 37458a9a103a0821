package compare

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseRFC3339(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want string // the instant, as time.RFC3339Nano in UTC
	}{
		{"2024-01-01T10:00:00Z", true, "2024-01-01T10:00:00Z"},
		{"2024-01-01t10:00:00z", true, "2024-01-01T10:00:00Z"},
		{"2024-01-01T10:00:00+02:30", true, "2024-01-01T07:30:00Z"},
		{"2024-01-01T10:00:00-23:59", true, "2024-01-02T09:59:00Z"},
		{"2024-01-01T10:00:00-00:00", true, "2024-01-01T10:00:00Z"},
		{"2024-01-01T10:00:00.1Z", true, "2024-01-01T10:00:00.1Z"},
		{"2024-01-01T10:00:00.123456789Z", true, "2024-01-01T10:00:00.123456789Z"},
		{"2024-01-01T10:00:00.1234567899999Z", true, "2024-01-01T10:00:00.123456789Z"},
		{"2024-02-29T00:00:00Z", true, "2024-02-29T00:00:00Z"},
		{"0000-01-01T00:00:00Z", true, "0000-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59Z", true, "9999-12-31T23:59:59Z"},
		{"1969-12-31T23:59:59.5Z", true, "1969-12-31T23:59:59.5Z"},
		// leap seconds: only at 23:59:60 UTC on the last day of a month
		{"2016-12-31T23:59:60Z", true, "2016-12-31T23:59:59.999999999Z"},
		{"2016-12-31T23:59:60.5Z", true, "2016-12-31T23:59:59.999999999Z"},
		{"2015-06-30T23:59:60Z", true, "2015-06-30T23:59:59.999999999Z"},
		{"2017-01-01T00:59:60+01:00", true, "2016-12-31T23:59:59.999999999Z"},
		{"2016-12-31T22:59:60Z", false, ""},
		{"2016-12-30T23:59:60Z", false, ""},
		{"2016-12-31T23:59:60+01:00", false, ""},
		// rejected
		{"2023-02-29T00:00:00Z", false, ""},
		{"2024-13-01T00:00:00Z", false, ""},
		{"2024-00-01T00:00:00Z", false, ""},
		{"2024-01-00T00:00:00Z", false, ""},
		{"2024-04-31T00:00:00Z", false, ""},
		{"2024-01-01T24:00:00Z", false, ""},
		{"2024-01-01T10:60:00Z", false, ""},
		{"2024-01-01T10:00:61Z", false, ""},
		{"2024-01-01T10:00:00", false, ""},
		{"2024-01-01 10:00:00Z", true, "2024-01-01T10:00:00Z"},
		{"2024-01-01_10:00:00+01:00", true, "2024-01-01T09:00:00Z"},
		{"2024-01-01é10:00:00Z", false, ""},
		{"2024-01-01T10:00:00.Z", false, ""},
		{"2024-01-01T10:00Z", false, ""},
		{"2024-01-01T10:00:00+24:00", false, ""},
		{"2024-01-01T10:00:00+02:60", false, ""},
		{"2024-01-01T10:00:00+0200", false, ""},
		{"2024-01-01T10:00:00+02", false, ""},
		{"2024-01-01T10:00:00Zx", false, ""},
		{"24-01-01T10:00:00Z", false, ""},
		{"+2024-01-01T10:00:00Z", false, ""},
		{"2024-1-01T10:00:00Z", false, ""},
		{"2024-01-01T1:00:00Z", false, ""},
		{"２024-01-01T10:00:00Z", false, ""},
		{"", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseRFC3339([]byte(tc.in))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			want, err := time.Parse(time.RFC3339Nano, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if got.sec != want.Unix() || got.nsec != int32(want.Nanosecond()) {
				t.Errorf("got %d.%09d, want %d.%09d (%s)", got.sec, got.nsec, want.Unix(), want.Nanosecond(), tc.want)
			}
		})
	}
}

// TestParseRFC3339_againstTime cross-checks random valid date-times with the
// standard library, which agrees with the reference on upper-case input
// without leap seconds.
func TestParseRFC3339_againstTime(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	for range 20000 {
		// 1970-01-01 up to a day before year 10000, so every offset keeps
		// a four-digit year.
		sec := r.Int64N(253402300800 - 86400)
		ts := time.Unix(sec, int64(r.IntN(1e9)))
		off := r.IntN(24*60*2-1) - (24*60 - 1)
		loc := time.FixedZone("", off*60)
		s := ts.In(loc).Format(time.RFC3339Nano)
		got, ok := parseRFC3339([]byte(s))
		if !ok || got.sec != ts.Unix() || got.nsec != int32(ts.Nanosecond()) {
			t.Fatalf("%s: got %v %d.%09d, want %d.%09d", s, ok, got.sec, got.nsec, ts.Unix(), ts.Nanosecond())
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want date
	}{
		{"2024-01-02", true, date{2024, 1, 2}},
		{"2024-1-2", true, date{2024, 1, 2}},
		{"+2024-+1-+2", true, date{2024, 1, 2}},
		{"0002024-001-002", true, date{2024, 1, 2}},
		{"0-1-1", true, date{0, 1, 1}},
		{"9999-12-31", true, date{9999, 12, 31}},
		{"2024-02-29", true, date{2024, 2, 29}},
		{"2000-02-29", true, date{2000, 2, 29}},
		{"1900-02-29", false, date{}},
		{"2023-02-29", false, date{}},
		{"10000-01-01", false, date{}},
		{"2024-13-01", false, date{}},
		{"2024-0-01", false, date{}},
		{"2024-01-0", false, date{}},
		{"2024-01-32", false, date{}},
		{"2024-01-256", false, date{}},
		{"-2024-01-01", false, date{}},
		{"2024-01", false, date{}},
		{"2024-01-01-01", false, date{}},
		{"2024--01", false, date{}},
		{"2024-01-01T00:00:00Z", false, date{}},
		{"2024-+-01", false, date{}},
		{" 2024-01-01", false, date{}},
		{"2024-01-01 ", false, date{}},
		{"", false, date{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseDate([]byte(tc.in))
			if ok != tc.ok || got != tc.want {
				t.Errorf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCivilRoundTrip(t *testing.T) {
	for y := 0; y <= 9999; y += 7 {
		for m := 1; m <= 12; m++ {
			for _, d := range []int{1, 15, daysIn(y, m)} {
				days := daysFromCivil(y, m, d)
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
				if days != want {
					t.Fatalf("daysFromCivil(%d,%d,%d) = %d, want %d", y, m, d, days, want)
				}
				if gy, gm, gd := civilFromDays(days); gy != y || gm != m || gd != d {
					t.Fatalf("civilFromDays(%d) = %d-%d-%d, want %d-%d-%d", days, gy, gm, gd, y, m, d)
				}
			}
		}
	}
}
