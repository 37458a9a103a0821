package egress

import (
	"strings"
	"testing"
)

func TestParsePattern(t *testing.T) {
	cases := []struct {
		in, host, port, err string
	}{
		{"api.example.com", "api.example.com", "", ""},
		{"API.Example.COM:8443", "api.example.com", "8443", ""},
		{"*.example.com", "*.example.com", "", ""},
		{"*.example.com:443", "*.example.com", "443", ""},
		{"*", "*", "", ""},
		{"*:8080", "*", "8080", ""},
		{"127.0.0.1:8080", "127.0.0.1", "8080", ""},
		{"[::1]:443", "::1", "443", ""},
		{"[::1]", "::1", "", ""},
		{"::1", "::1", "", ""},
		{"[0:0:0:0:0:0:0:1]:443", "::1", "443", ""},
		{"fd00:ec2::254", "fd00:ec2::254", "", ""},
		{"", "", "", "empty"},
		{"   ", "", "", "empty"},
		{"a.*.com", "", "", "'*' only"},
		{"*example.com", "", "", "'*' only"},
		{"host:0", "", "", "bad port"},
		{"host:65536", "", "", "bad port"},
		{"host:0443", "", "", "bad port"},
		{"host:", "", "", "bad port"},
		{"host:http", "", "", "bad port"},
		{"bad host!", "", "", "bad host"},
		{"*.", "", "", "bad suffix"},
		{"[example.com]:443", "", "", "brackets only"},
		{"[127.0.0.1]:80", "", "", "brackets only"},
		{"[::1", "", "", "unbalanced"},
		{"fe80::1%eth0", "", "", "bad host"},
		{"http://example.com", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePattern(tc.in)
			if tc.err != "" || tc.host == "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParsePattern(%q) = %+v, %v; want error %q", tc.in, p, err, tc.err)
				}
				return
			}
			if err != nil || p.Host != tc.host || p.Port != tc.port {
				t.Fatalf("got %+v, %v", p, err)
			}
			if q, err := ParsePattern(p.String()); err != nil || q != p {
				t.Fatalf("String round trip: %q → %+v %v", p.String(), q, err)
			}
		})
	}
}

func TestPatternMatch(t *testing.T) {
	cases := []struct {
		pattern, host, port string
		want                bool
	}{
		{"api.example.com", "api.example.com", "443", true},
		{"api.example.com", "api.example.com", "8443", true},
		{"api.example.com:443", "api.example.com", "443", true},
		{"api.example.com:443", "api.example.com", "8443", false},
		{"api.example.com", "x.api.example.com", "443", false},
		{"api.example.com", "example.com", "443", false},
		{"*.example.com", "a.example.com", "443", true},
		{"*.example.com", "a.b.example.com", "443", true},
		{"*.example.com", "example.com", "443", false},
		{"*.example.com", "badexample.com", "443", false},
		{"*.example.com", ".example.com", "443", false},
		{"*.example.com:8443", "a.example.com", "443", false},
		{"*", "anything.test", "1", true},
		{"*:443", "anything.test", "80", false},
		{"127.0.0.1:8080", "127.0.0.1", "8080", true},
		{"127.0.0.1:8080", "127.0.0.2", "8080", false},
		{"[::1]:443", "::1", "443", true},
	}
	for _, tc := range cases {
		p, err := ParsePattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(tc.host, tc.port); got != tc.want {
			t.Errorf("%s matches %s port %s = %v, want %v", tc.pattern, tc.host, tc.port, got, tc.want)
		}
	}
}

func TestParsePatterns(t *testing.T) {
	in := []string{"a.com", "*.b.com:443"}
	got, err := ParsePatterns(in)
	if err != nil || len(got) != 2 || got[1].Port != "443" {
		t.Fatalf("got %v, %v", got, err)
	}
	if in[1] != "*.b.com:443" {
		t.Fatal("input mutated")
	}
	if _, err := ParsePatterns([]string{"a.com", "a:b:c!"}); err == nil {
		t.Fatal("bad entry accepted")
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		"api.example.com", "*.example.com:443", "*", "[::1]:443", "::1", "127.0.0.1:8080",
		"a.*.com", "host:0", "[::1", "[example.com]:1", "fe80::1%eth0", "*:65535", "::ffff:1.2.3.4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			return
		}
		q, err := ParsePattern(p.String())
		if err != nil || q != p {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, p, p.String(), q, err)
		}
		if !strings.Contains(p.Host, "*") && !p.Match(p.Host, p.Port) {
			t.Fatalf("%+v does not match its own host and port", p)
		}
	})
}
