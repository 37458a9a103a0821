package main

import "testing"

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, href, host string
	}{
		{"https://example.com", "https://example.com/", "example.com"},
		{"HTTPS://Example.COM/Path", "https://example.com/Path", "example.com"},
		{"https://example.com:443/", "https://example.com/", "example.com"},
		{"http://example.com:80/a", "http://example.com/a", "example.com"},
		{"https://example.com:8443/a", "https://example.com:8443/a", "example.com"},
		{"https://example.com:008443/", "https://example.com:8443/", "example.com"},
		{"https://example.com:/x", "https://example.com/x", "example.com"},
		{"https:example.com/a", "https://example.com/a", "example.com"},
		{"https:///example.com", "https://example.com/", "example.com"},
		{`https:\\example.com\a\b`, "https://example.com/a/b", "example.com"},
		{"https://example.com/a/./b/../c", "https://example.com/a/c", "example.com"},
		{"https://example.com/a/%2e%2E/c", "https://example.com/c", "example.com"},
		{"https://example.com/a/..", "https://example.com/", "example.com"},
		{"https://example.com/a/.", "https://example.com/a/", "example.com"},
		{"https://example.com//x", "https://example.com//x", "example.com"},
		{"https://example.com/a b?c d#e f", "https://example.com/a%20b?c%20d#e%20f", "example.com"},
		{"https://example.com/?q='x'&y=<z>", "https://example.com/?q=%27x%27&y=%3Cz%3E", "example.com"},
		{"https://example.com/p?a=1#frag`x", "https://example.com/p?a=1#frag%60x", "example.com"},
		{"https://example.com/é{}", "https://example.com/%C3%A9%7B%7D", "example.com"},
		{"https://example.com?", "https://example.com/?", "example.com"},
		{"https://example.com#", "https://example.com/#", "example.com"},
		{"https://user:pa ss@example.com/", "https://user:pa%20ss@example.com/", "example.com"},
		{"https://@example.com/", "https://example.com/", "example.com"},
		{"https://user:@example.com/", "https://user@example.com/", "example.com"},
		{"http://a:b@c:d@e/", "http://a:b%40c%3Ad@e/", "e"},
		{"https://0x7f.1/", "https://127.0.0.1/", "127.0.0.1"},
		{"https://127.1/", "https://127.0.0.1/", "127.0.0.1"},
		{"https://0177.0.0.1/", "https://127.0.0.1/", "127.0.0.1"},
		{"https://4294967295/", "https://255.255.255.255/", "255.255.255.255"},
		{"https://1.2.3.4./", "https://1.2.3.4/", "1.2.3.4"},
		{"https://[::1]/", "https://[::1]/", "[::1]"},
		{"https://[0:0:0:0:0:0:0:1]:443/", "https://[::1]/", "[::1]"},
		{"https://[::ffff:192.168.1.1]/", "https://[::ffff:c0a8:101]/", "[::ffff:c0a8:101]"},
		{"https://[1:0:0:2:0:0:0:3]/", "https://[1:0:0:2::3]/", "[1:0:0:2::3]"},
		{"https://[1:2:3:4:5:6:7:8]/", "https://[1:2:3:4:5:6:7:8]/", "[1:2:3:4:5:6:7:8]"},
		{"https://[ABCD::]/", "https://[abcd::]/", "[abcd::]"},
		{"https://ex%41mple.com/", "https://example.com/", "example.com"},
		{"https://EXAMPLE.com./", "https://example.com./", "example.com."},
		{"https://münchen.de/", "https://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"},
		{"https://MÜNCHEN.de/", "https://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"},
		{"https://xn--mnchen-3ya.de/", "https://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"},
		{"https://例え.テスト/", "https://xn--r8jz45g.xn--zckzah/", "xn--r8jz45g.xn--zckzah"},
		{"https://a_b.example/", "https://a_b.example/", "a_b.example"},
		{"  https://example.com/\t ", "https://example.com/", "example.com"},
		{"https://ex\nample.com/", "https://example.com/", "example.com"},
		{"wss://Host:443/x", "wss://host/x", "host"},
	}
	for _, tc := range tests {
		u, ok := parseURL(tc.in)
		if !ok {
			t.Errorf("%q: failed to parse", tc.in)
			continue
		}
		if u.href != tc.href || u.host != tc.host {
			t.Errorf("%q: href %q host %q, want %q %q", tc.in, u.href, u.host, tc.href, tc.host)
		}
	}
}

func TestParseURL_invalid(t *testing.T) {
	for _, in := range []string{
		"", "foo", "1http://x", "://x", "https://", "https:///", "https://:443/", "https://user@/x",
		"https://example.com:65536/", "https://example.com:12a/", "https://exa mple.com/",
		"https://exa<mple.com/", "https://ex%25ample.com/", "https://192.168.0.257/", "https://1.2.3.4.5/",
		"https://0x100000000/", "https://1.0x1000000/", "https://08.1.1.1/", "https://[::1/", "https://[::1::]/",
		"https://[1:2:3:4:5:6:7:8:9]/", "https://[::ffff:1.2.3]/", "https://[::1.2.3.04]/",
		"https://xn--/", "https://xn--a-/", "ftp://", "ws://:1/", "foo://exa mple/", "foo://a<b/",
	} {
		if u, ok := parseURL(in); ok {
			t.Errorf("%q: parsed as %+v, want failure", in, u)
		}
	}
}

// Schemes other than the special ones parse (and are refused by policy).
func TestParseURL_otherSchemes(t *testing.T) {
	for _, in := range []string{"mailto:a@b", "file:///etc/passwd", "ftp://host/x", "data:text/plain,hi", "foo://host:99/x", "urn:isbn:0-1"} {
		u, ok := parseURL(in)
		if !ok {
			t.Errorf("%q: failed to parse", in)
			continue
		}
		if u.scheme == "https" || u.scheme == "http" {
			t.Errorf("%q: scheme %q", in, u.scheme)
		}
	}
}

func TestPunycode(t *testing.T) {
	tests := []struct{ unicode, ascii string }{
		{"münchen", "mnchen-3ya"},
		{"例え", "r8jz45g"},
		{"テスト", "zckzah"},
		{"bücher", "bcher-kva"},
		{"ü", "tda"},
	}
	for _, tc := range tests {
		enc, ok := punyEncode(tc.unicode)
		if !ok || enc != tc.ascii {
			t.Errorf("encode %q = %q, want %q", tc.unicode, enc, tc.ascii)
		}
		dec, ok := punyDecode(tc.ascii)
		if !ok || dec != tc.unicode {
			t.Errorf("decode %q = %q, want %q", tc.ascii, dec, tc.unicode)
		}
	}
	for _, bad := range []string{"é", "99999999999", "a-!"} {
		if _, ok := punyDecode(bad); ok {
			t.Errorf("decode %q succeeded", bad)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://example.com/a?b#c", "http://[::1]:80/", "https://0x7f.1", "https://münchen.de", "foo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := parseURL(s)
		if !ok || u.href == "" {
			return
		}
		// The serialisation is a fixed point.
		v, ok := parseURL(u.href)
		if !ok || v.href != u.href {
			t.Fatalf("%q → %q → %q (ok=%v)", s, u.href, v.href, ok)
		}
	})
}
