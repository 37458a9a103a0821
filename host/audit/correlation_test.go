package audit_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/errcode"
)

func TestSanitizeClientCorrelationID(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		rej  audit.Rejection
	}{
		{"simple", "req-123", "req-123", ""},
		{"every tchar", "aZ09!#$%&'*+-.^_`|~", "aZ09!#$%&'*+-.^_`|~", ""},
		{"trimmed", " \t abc \r\n", "abc", ""},
		{"unicode space trimmed", "\u00a0abc\u3000", "abc", ""},
		{"max length", strings.Repeat("a", 128), strings.Repeat("a", 128), ""},
		{"max length after trim", "  " + strings.Repeat("a", 128) + "  ", strings.Repeat("a", 128), ""},
		{"empty", "", "", audit.RejectEmpty},
		{"blank", " \t\n", "", audit.RejectEmpty},
		{"too long", strings.Repeat("a", 129), "", audit.RejectTooLong},
		{"inner space", "a b", "", audit.RejectWhitespace},
		{"inner tab", "a\tb", "", audit.RejectWhitespace},
		{"inner newline", "a\nb", "", audit.RejectWhitespace},
		{"vertical tab is control", "a\vb", "", audit.RejectControl},
		{"nul", "a\x00b", "", audit.RejectControl},
		{"escape", "a\x1bb", "", audit.RejectControl},
		{"del", "a\x7fb", "", audit.RejectControl},
		{"non-ascii letter", "café", "", audit.RejectNonASCII},
		{"non-ascii space inside", "a\u00a0b", "", audit.RejectNonASCII},
		{"invalid utf-8", "a\xffb", "", audit.RejectNonASCII},
		{"slash", "a/b", "", audit.RejectDisallowed},
		{"colon", "a:b", "", audit.RejectDisallowed},
		{"quote", `a"b`, "", audit.RejectDisallowed},
		{"comma", "a,b", "", audit.RejectDisallowed},
		{"brackets", "a{b}", "", audit.RejectDisallowed},
		{"at", "a@b", "", audit.RejectDisallowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := audit.SanitizeClientCorrelationID(tc.in)
			if tc.rej == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got (%q, %v), want %q", got, err, tc.want)
				}
				return
			}
			var ce *audit.CorrelationIDError
			if got != "" || !errors.As(err, &ce) || ce.Reason != tc.rej {
				t.Fatalf("got (%q, %v), want rejection %s", got, err, tc.rej)
			}
			if !errors.Is(err, audit.ErrInvalidCorrelationID) || errcode.Of(err) != errcode.InvalidArgument {
				t.Fatalf("err %v: wrong identity (code %s)", err, errcode.Of(err))
			}
			if strings.TrimSpace(tc.in) != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
				t.Fatalf("error %q echoes the untrusted value", err)
			}
		})
	}
}

// validID is an independent statement of §7.12 for the fuzz oracle.
var validID = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$")

func FuzzSanitizeCorrelationID(f *testing.F) {
	for _, s := range []string{"", "req-1", " padded ", "a b", "a\x00", "é", strings.Repeat("z", 129), "a/b", "\u2003x\u2003", "`|~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := audit.SanitizeClientCorrelationID(in)
		want := strings.TrimSpace(in)
		if validID.MatchString(want) {
			if err != nil || got != want {
				t.Fatalf("%q: got (%q, %v), want %q", in, got, err, want)
			}
			// Sanitising is idempotent.
			if again, err := audit.SanitizeClientCorrelationID(got); err != nil || again != got {
				t.Fatalf("%q: not idempotent: (%q, %v)", got, again, err)
			}
			return
		}
		var ce *audit.CorrelationIDError
		if err == nil || got != "" || !errors.As(err, &ce) || !errors.Is(err, audit.ErrInvalidCorrelationID) {
			t.Fatalf("%q: got (%q, %v), want a rejection", in, got, err)
		}
	})
}

func TestIDGenerator(t *testing.T) {
	g := audit.NewIDGeneratorWithBootID(0xdeadbeef)
	for i, want := range []string{"dg-00000000deadbeef-0000000000000001", "dg-00000000deadbeef-0000000000000002"} {
		if got := g.Next(); got != want {
			t.Fatalf("id %d = %q, want %q", i, got, want)
		}
	}
	format := regexp.MustCompile(`^dg-[0-9a-f]{16}-0000000000000001$`)
	r1, r2 := audit.NewIDGenerator(), audit.NewIDGenerator()
	if id := r1.Next(); !format.MatchString(id) {
		t.Fatalf("random generator id %q", id)
	}
	if r1.BootID() == r2.BootID() {
		t.Fatalf("two generators drew the same boot id %x", r1.BootID())
	}
	// Every issued id is a valid client correlation id too.
	if _, err := audit.SanitizeClientCorrelationID(r2.Next()); err != nil {
		t.Fatal(err)
	}
}

func TestIDGenerator_concurrent(t *testing.T) {
	const goroutines, perG = 16, 500
	g := audit.NewIDGeneratorWithBootID(1)
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			ids := make([]string, perG)
			for i := range ids {
				ids[i] = g.Next()
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if seen[id] {
					t.Errorf("duplicate id %s", id)
				}
				seen[id] = true
			}
		})
	}
	wg.Wait()
	if !seen["dg-0000000000000001-0000000000000001"] || !seen["dg-0000000000000001-0000000000001f40"] || len(seen) != goroutines*perG {
		t.Fatalf("ids do not cover 1..%d: %d distinct", goroutines*perG, len(seen))
	}
}
