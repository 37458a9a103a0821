package audit

import (
	"strings"
	"testing"
)

func TestParseFingerprint(t *testing.T) {
	fp := FingerprintToken("secret-token")
	got, err := ParseFingerprint(fp.String())
	if err != nil || got != fp {
		t.Fatalf("round trip: %v %v", got, err)
	}
	for _, bad := range []string{"", "secret-token", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
		if _, err := ParseFingerprint(bad); err == nil {
			t.Errorf("ParseFingerprint(%q) accepted", bad)
		}
	}
}
