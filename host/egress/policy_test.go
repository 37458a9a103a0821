package egress

import (
	"errors"
	"net/netip"
	"slices"
	"testing"
)

func mustPatterns(t *testing.T, list ...string) []Pattern {
	t.Helper()
	ps, err := ParsePatterns(list)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestPolicyCheckURL(t *testing.T) {
	strict := &Policy{Allowlist: mustPatterns(t, "api.example.com", "*.svc.example.com", "pinned.example.com:8443", "[2606:4700::1]", "203.0.113.9:443")}
	anyPort := &Policy{Allowlist: mustPatterns(t, "api.example.com"), AnyPort: true}
	plain := &Policy{Allowlist: mustPatterns(t, "api.example.com"), AllowHTTP: true}
	anyHost := &Policy{Allowlist: mustPatterns(t, "*")}

	cases := []struct {
		name string
		p    *Policy
		url  string
		want error // nil = allowed
	}{
		{"exact host", strict, "https://api.example.com/x", nil},
		{"exact host explicit default port", strict, "https://api.example.com:443/x", nil},
		{"exact host other port refused", strict, "https://api.example.com:8443/x", ErrRefused},
		{"any port when asked", anyPort, "https://api.example.com:8443/x", nil},
		{"upper case host", strict, "https://API.Example.com/x", nil},
		{"subdomain of exact refused", strict, "https://x.api.example.com/", ErrRefused},
		{"suffix one label", strict, "https://a.svc.example.com/", nil},
		{"suffix two labels", strict, "https://a.b.svc.example.com/", nil},
		{"suffix apex refused", strict, "https://svc.example.com/", ErrRefused},
		{"suffix without dot boundary refused", strict, "https://badsvc.example.com/", ErrRefused},
		{"pinned port", strict, "https://pinned.example.com:8443/", nil},
		{"pinned port, default refused", strict, "https://pinned.example.com/", ErrRefused},
		{"ipv6 literal", strict, "https://[2606:4700::1]/", nil},
		{"ipv6 literal non-canonical", strict, "https://[2606:4700:0::1]/", nil},
		{"ipv4 literal", strict, "https://203.0.113.9/", nil},
		{"http refused", strict, "http://api.example.com/", ErrRefused},
		{"http allowed", plain, "http://api.example.com/", nil},
		{"http default port is 80", plain, "http://api.example.com:443/", ErrRefused},
		{"other scheme", plain, "ftp://api.example.com/", ErrRefused},
		{"file scheme", plain, "file:///etc/passwd", ErrRefused},
		{"metadata not allowlisted", anyPort, "http://169.254.169.254/latest/meta-data", ErrRefused},
		{"any host", anyHost, "https://whatever.test/", nil},
		{"relative", strict, "/x", ErrInvalidURL},
		{"no host", strict, "https:///x", ErrInvalidURL},
		{"opaque", strict, "https:api.example.com", ErrInvalidURL},
		{"user info", strict, "https://u:p@api.example.com/", ErrInvalidURL},
		{"bad host", strict, "https://api_example!.com/", ErrInvalidURL},
		{"zone", strict, "https://[fe80::1%25eth0]/", ErrInvalidURL},
		{"empty allowlist", &Policy{}, "https://api.example.com/", ErrRefused},
		{"nil policy", nil, "https://api.example.com/", ErrRefused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before []Pattern
			if tc.p != nil {
				before = slices.Clone(tc.p.Allowlist)
			}
			u, err := tc.p.CheckURL(tc.url)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == nil && u == nil:
				t.Fatal("no URL returned")
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("%T is not *Error", err)
			}
			if tc.p != nil && !slices.Equal(before, tc.p.Allowlist) {
				t.Fatal("allowlist mutated")
			}
		})
	}
}

func TestPolicyCheckAddr(t *testing.T) {
	cidr := &Policy{PrivateCIDRAllowlist: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("fd12::/16")}}
	cases := []struct {
		name string
		p    *Policy
		addr string
		ok   bool
	}{
		{"public", &Policy{}, "8.8.8.8", true},
		{"loopback", &Policy{}, "127.0.0.1", false},
		{"loopback v6", &Policy{}, "::1", false},
		{"metadata", &Policy{}, "169.254.169.254", false},
		{"metadata v6", &Policy{}, "fd00:ec2::254", false},
		{"cgnat", &Policy{}, "100.64.1.1", false},
		{"multicast", &Policy{}, "239.1.1.1", false},
		{"unspecified", &Policy{}, "0.0.0.0", false},
		{"mapped loopback", &Policy{}, "::ffff:127.0.0.1", false},
		{"nat64 private", &Policy{}, "64:ff9b::a14:1", false},
		{"nat64 public", &Policy{}, "64:ff9b::808:808", true},
		{"allow private", &Policy{AllowPrivate: true}, "127.0.0.1", true},
		{"allow private metadata", &Policy{AllowPrivate: true}, "169.254.169.254", true},
		{"cidr exception", cidr, "10.20.3.4", true},
		{"cidr exception mapped", cidr, "::ffff:10.20.3.4", true},
		{"cidr exception via nat64", cidr, "64:ff9b::a14:304", true},
		{"outside cidr exception", cidr, "10.21.0.1", false},
		{"cidr exception v6", cidr, "fd12::5", true},
		{"cidr does not cover metadata", cidr, "169.254.169.254", false},
		{"cidr does not cover loopback", cidr, "127.0.0.1", false},
		{"nil policy", nil, "8.8.8.8", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.CheckAddr(netip.MustParseAddr(tc.addr))
			if (err == nil) != tc.ok {
				t.Fatalf("CheckAddr(%s) = %v, want ok=%v", tc.addr, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrRefused) {
				t.Fatalf("err %v does not wrap ErrRefused", err)
			}
		})
	}
}

func TestPolicyControl(t *testing.T) {
	p := &Policy{}
	if err := p.Control("tcp", "8.8.8.8:443", nil); err != nil {
		t.Fatal(err)
	}
	err := p.Control("tcp", "127.0.0.1:443", nil)
	var e *Error
	if !errors.As(err, &e) || e.Host != "127.0.0.1:443" || !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %#v", err)
	}
	if err := p.Control("tcp", "not-an-address", nil); !errors.Is(err, ErrRefused) {
		t.Fatalf("unparsable address: %v", err)
	}
}
