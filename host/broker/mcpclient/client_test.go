package mcpclient

import (
	"strings"
	"testing"
	"time"
)

func TestNew(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		err  string
	}{
		{"stdio", Options{Command: []string{"prog"}}, ""},
		{"http", Options{URL: "https://evidence.example.com/mcp", Protocol: ProtocolMCP}, ""},
		{"neither", Options{}, "exactly one of command and url"},
		{"both", Options{Command: []string{"prog"}, URL: "https://x.example"}, "exactly one"},
		{"empty command", Options{Command: []string{""}}, "empty command"},
		{"unknown protocol", Options{Command: []string{"prog"}, Protocol: "grpc"}, "unknown protocol"},
		{"relative url", Options{URL: "/mcp"}, "absolute http or https"},
		{"ftp url", Options{URL: "ftp://x.example/"}, "absolute http or https"},
		{"negative timeout", Options{Command: []string{"prog"}, RequestTimeout: -time.Second}, "negative"},
		{"negative cap", Options{URL: "https://x.example", MaxResponseBytes: -1}, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := append([]string(nil), tc.opts.Command...)
			c, err := New(tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			o := c.opts
			if o.Protocol == "" || o.RequestTimeout != DefaultRequestTimeout || o.ConnectTimeout != DefaultConnectTimeout ||
				o.StartupTimeout != DefaultStartupTimeout || o.MaxResponseBytes != DefaultMaxResponseBytes {
				t.Fatalf("defaults not applied: %+v", o)
			}
			if len(cmd) > 0 && &c.opts.Command[0] == &tc.opts.Command[0] {
				t.Fatal("command slice shared with the caller")
			}
		})
	}
}

func TestErrorCodes(t *testing.T) {
	for _, code := range []Code{CodeTimeout, CodeTransport, CodeOversize, CodeEgressDenied, CodeHandshake} {
		e := &Error{Code: code, Msg: "m"}
		if wantTimeout := code == CodeTimeout; (e.EvidenceCode() == "timeout") != wantTimeout {
			t.Errorf("%s: evidence code %s", code, e.EvidenceCode())
		}
		if e.Counted() == (code == CodeEgressDenied) {
			t.Errorf("%s: counted %v", code, e.Counted())
		}
	}
}

func TestRing(t *testing.T) {
	r := newRing(8)
	for _, s := range []string{"abc", "defgh", "ij", "0123456789XYZ"} {
		if n, err := r.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatal(n, err)
		}
	}
	if got := string(r.Bytes()); got != "56789XYZ" {
		t.Fatalf("ring = %q", got)
	}
	r = newRing(8)
	_, _ = r.Write([]byte("abc"))
	_, _ = r.Write([]byte("defghij"))
	if got := string(r.Bytes()); got != "cdefghij" {
		t.Fatalf("ring = %q", got)
	}
	if got := newRing(0); len(got.Bytes()) != 0 {
		t.Fatal("zero ring holds bytes")
	}
}
