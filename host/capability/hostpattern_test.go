package capability

import (
	"strings"
	"testing"
)

func TestParseHostPattern(t *testing.T) {
	cases := []struct {
		in, host, port, err string
	}{
		{"api.example.com", "api.example.com", "", ""},
		{"API.Example.COM:8443", "api.example.com", "8443", ""},
		{"*.example.com", "*.example.com", "", ""},
		{"*", "*", "", ""},
		{"127.0.0.1:8080", "127.0.0.1", "8080", ""},
		{"[::1]:443", "::1", "443", ""},
		{"::1", "::1", "", ""},
		{"", "", "", "empty"},
		{"a.*.com", "", "", "'*' only"},
		{"*example.com", "", "", "'*' only"},
		{"host:0", "", "", "bad port"},
		{"host:http", "", "", "bad port"},
		{"bad host!", "", "", "bad host"},
		{"*.", "", "", "bad suffix"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParseHostPattern(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || p.Host != tc.host || p.Port != tc.port {
				t.Fatalf("got %+v, %v", p, err)
			}
			if q, err := ParseHostPattern(p.String()); err != nil || q != p {
				t.Fatalf("String round trip: %q → %+v %v", p.String(), q, err)
			}
		})
	}
}

func TestHostPatternMatch(t *testing.T) {
	cases := []struct {
		pattern, host, port string
		want                bool
	}{
		{"api.example.com", "api.example.com", "443", true},
		{"api.example.com", "api.example.com", "8443", true},
		{"api.example.com:443", "api.example.com", "8443", false},
		{"api.example.com", "x.api.example.com", "443", false},
		{"*.example.com", "a.example.com", "443", true},
		{"*.example.com", "a.b.example.com", "443", true},
		{"*.example.com", "example.com", "443", false},
		{"*.example.com", "badexample.com", "443", false},
		{"*", "anything.test", "1", true},
		{"127.0.0.1:8080", "127.0.0.1", "8080", true},
	}
	for _, tc := range cases {
		p, err := ParseHostPattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(tc.host, tc.port); got != tc.want {
			t.Errorf("%s matches %s:%s = %v", tc.pattern, tc.host, tc.port, got)
		}
	}
}

func TestIntersectPatterns(t *testing.T) {
	cases := []struct {
		name       string
		a, b, want []string
	}{
		{"any and list", []string{"*"}, []string{"a.com", "*.b.com"}, []string{"a.com", "*.b.com"}},
		{"list and any", []string{"a.com"}, []string{"*"}, []string{"a.com"}},
		{"exact in glob", []string{"x.b.com"}, []string{"*.b.com"}, []string{"x.b.com"}},
		{"narrower glob wins", []string{"*.b.com"}, []string{"*.x.b.com"}, []string{"*.x.b.com"}},
		{"disjoint", []string{"a.com"}, []string{"b.com"}, nil},
		{"glob does not cover apex", []string{"b.com"}, []string{"*.b.com"}, nil},
		{"port from one side", []string{"a.com"}, []string{"a.com:8443"}, []string{"a.com:8443"}},
		{"ports differ", []string{"a.com:443"}, []string{"a.com:8443"}, nil},
		{"nothing requested", nil, []string{"*"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := parsePatterns(tc.a)
			b, _ := parsePatterns(tc.b)
			var got []string
			for _, p := range intersectPatterns(a, b) {
				got = append(got, p.String())
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
