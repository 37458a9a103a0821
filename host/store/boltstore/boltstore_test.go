package boltstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store/boltstore"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/storetest"
)

func open(tb testing.TB, path string) driver.Store {
	tb.Helper()
	d, err := boltstore.OpenDriver(path, nil)
	if err != nil {
		tb.Fatalf("boltstore.OpenDriver: %v", err)
	}
	return d
}

var harness = storetest.Harness{Open: open, Persistent: true}

func TestConformance(t *testing.T) {
	storetest.Run(t, harness)
}

func BenchmarkDurableDecision(b *testing.B) {
	storetest.BenchmarkDecision(b, harness)
}

func TestOpen_locked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.db")
	d := open(t, path)
	defer d.Close()
	start := time.Now()
	_, err := boltstore.OpenDriver(path, &boltstore.Options{Timeout: 50 * time.Millisecond})
	if errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("second Open of a locked file: %v, want unavailable", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("second Open waited %v", waited)
	}
}

func TestOpen_notAStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.db")
	if err := os.WriteFile(path, []byte("not a bbolt file, just some text that is long enough"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := boltstore.OpenDriver(path, &boltstore.Options{Timeout: 50 * time.Millisecond}); err == nil {
		t.Fatalf("Open of a non-bbolt file succeeded")
	}
}

func TestOpen_maxVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.db")
	if _, err := boltstore.Open(path, &boltstore.Options{Store: storeOptions(-1)}); errcode.Of(err) != errcode.InvalidArgument {
		t.Fatalf("negative max versions: %v", err)
	}
	// The driver was closed: the file opens again at once.
	st, err := boltstore.Open(path, &boltstore.Options{Timeout: 50 * time.Millisecond, Store: storeOptions(2)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.MaxVersions() != 2 {
		t.Fatalf("MaxVersions = %d", st.MaxVersions())
	}
	if _, err := st.List(context.Background(), driver.ListOptions{Limit: 1}); err != nil {
		t.Fatal(err)
	}
}
