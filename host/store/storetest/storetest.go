package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
)

// Harness tells the suite how to make drivers of one backend.
type Harness struct {
	// Open returns a driver over the storage named by path, creating it
	// when it does not exist; the same path must reach the same data.
	// File backends use path as their file; others may use it as a unique
	// name (a schema, a database). Open fails the test on error. The suite
	// closes every driver it opens.
	Open func(tb testing.TB, path string) driver.Store
	// Persistent says that data outlives Close: reopening the same path
	// sees it. The reopen checks run only then.
	Persistent bool
	// Corrupt damages, behind the driver's back and while no driver is
	// open on path, every stored copy of marker so that the record still
	// parses but no longer matches its checksum, and returns how many
	// copies it changed. Nil with Persistent means [FlipFile] on path and
	// path+"-wal". The corruption checks run when Persistent is set.
	Corrupt func(tb testing.TB, path string, marker []byte) int
	// Shared says that two drivers may be open on one path at once (as
	// two processes would be); the suite then checks that conflicts hold
	// across them.
	Shared bool
}

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	t.Run("Driver", func(t *testing.T) { testDriver(t, h) })
	t.Run("Specs", func(t *testing.T) { testSpecs(t, h) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, h) })
	t.Run("Store", func(t *testing.T) { testStore(t, h) })
	t.Run("Engine", func(t *testing.T) {
		RunEngine(t, func(tb testing.TB) engine.RunStore { return openStore(tb, h, newPath(tb), nil) })
		t.Run("TwoEngines", func(t *testing.T) { testTwoEngines(t, h) })
		t.Run("SpecPersistence", func(t *testing.T) { testSpecPersistence(t, h) })
	})
	t.Run("Storage", func(t *testing.T) {
		if !h.Persistent {
			t.Skip("backend keeps nothing at rest")
		}
		testStorage(t, h)
	})
	if h.Shared {
		t.Run("Shared", func(t *testing.T) { testShared(t, h) })
	}
}

// newPath returns a fresh storage path in a test directory.
func newPath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "runs.db")
}

// openDriver opens a driver that is closed when the test ends.
func openDriver(tb testing.TB, h Harness, path string) driver.Store {
	tb.Helper()
	d := h.Open(tb, path)
	tb.Cleanup(func() { d.Close() })
	return d
}

// openStore opens a portable store that is closed when the test ends.
func openStore(tb testing.TB, h Harness, path string, opts *store.Options) *store.Store {
	tb.Helper()
	st, err := store.New(h.Open(tb, path), opts)
	if err != nil {
		tb.Fatalf("store.New: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func key(tenant, ns uint64, run string) scenario.RunKey {
	return scenario.RunKey{TenantID: evidence.TenantID(tenant), NamespaceID: evidence.NamespaceID(ns), RunID: run}
}

// blob returns a distinct JSON-looking blob.
func blob(s string) []byte {
	b, _ := json.Marshal(map[string]string{"v": s})
	return b
}

// wantCode fails unless err has code.
func wantCode(tb testing.TB, err error, code errcode.Code) {
	tb.Helper()
	if got := errcode.Of(err); got != code {
		tb.Fatalf("got %v (code %q), want code %q", err, got, code)
	}
}

// must fails the test on err.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func mustCreate(tb testing.TB, d driver.Store, k scenario.RunKey, b []byte) {
	tb.Helper()
	v, err := d.Create(context.Background(), k, b, driver.Sum(b))
	if err != nil || v != 1 {
		tb.Fatalf("Create(%s) = %d, %v", k, v, err)
	}
}

func mustAppend(tb testing.TB, d driver.Store, k scenario.RunKey, b []byte, prev driver.Version, keep int) {
	tb.Helper()
	v, err := d.Append(context.Background(), k, b, driver.Sum(b), prev, keep)
	if err != nil || v != prev+1 {
		tb.Fatalf("Append(%s, prev %d) = %d, %v", k, prev, v, err)
	}
}

// FlipFile damages every copy of marker in the files path and path+"-wal"
// (those that exist): it lowers the first byte of each occurrence by one,
// so a JSON record still parses and only a checksum can notice. It
// returns how many copies it changed.
func FlipFile(tb testing.TB, path string, marker []byte) int {
	tb.Helper()
	n := 0
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		changed := false
		for off := 0; ; {
			i := bytes.Index(b[off:], marker)
			if i < 0 {
				break
			}
			b[off+i]--
			off += i + len(marker)
			n++
			changed = true
		}
		if changed {
			if err := os.WriteFile(p, b, 0o600); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return n
}

// hammer runs fn(i) on n goroutines and waits for them.
func hammer(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}
