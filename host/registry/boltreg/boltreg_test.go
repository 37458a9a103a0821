package boltreg_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/boltreg"
	"github.com/decision-gate/dgw/host/registry/driver"
	"github.com/decision-gate/dgw/host/registry/registrytest"
)

func open(tb testing.TB, path string) driver.Driver {
	tb.Helper()
	d, err := boltreg.Open(path, nil)
	if err != nil {
		tb.Fatalf("boltreg.Open: %v", err)
	}
	return d
}

func TestConformance(t *testing.T) {
	registrytest.Run(t, registrytest.Harness{Open: open, Persistent: true})
}

func TestOpen_locked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	d := open(t, path)
	defer d.Close()
	_, err := boltreg.Open(path, &boltreg.Options{Timeout: 50 * time.Millisecond})
	if errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("second Open of a locked file: %v, want unavailable", err)
	}
}

func TestOpen_notARegistry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	if err := os.WriteFile(path, []byte("not a bbolt file, just some text that is long enough"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := boltreg.Open(path, &boltreg.Options{Timeout: 50 * time.Millisecond}); err == nil {
		t.Fatalf("Open of a non-bbolt file succeeded")
	}
}
