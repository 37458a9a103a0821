package audit

import (
	"os"
	"testing"
)

func TestDefaultsToStderr(t *testing.T) {
	if w := New(nil, nil).lines.w; w != os.Stderr {
		t.Errorf("New(nil) writes to %v, want os.Stderr", w)
	}
	if w := NewAuthzLog(nil).lines.w; w != os.Stderr {
		t.Errorf("NewAuthzLog(nil) writes to %v, want os.Stderr", w)
	}
	if New(os.Stderr, nil).lines.file != nil {
		t.Error("a writer sink must not own (and close) stderr")
	}
}
