package registrytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// Harness tells the suite how to make drivers of one backend.
type Harness struct {
	// Open returns a driver over the storage at path, creating it when it
	// does not exist. Backends without storage ignore path. Open fails the
	// test on error. The suite closes every driver it opens.
	Open func(tb testing.TB, path string) driver.Driver
	// Persistent says that data outlives Close: reopening the same path
	// sees it, and the bytes at rest (path, plus path+"-wal" if present)
	// can be damaged. The reopen and corruption checks run only then.
	Persistent bool
}

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	t.Run("Driver", func(t *testing.T) { testDriver(t, h) })
	t.Run("Register", func(t *testing.T) { testRegister(t, h) })
	t.Run("List", func(t *testing.T) { testList(t, h) })
	t.Run("Compiled", func(t *testing.T) { testCompiled(t, h) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, h) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, h) })
	t.Run("Storage", func(t *testing.T) {
		if !h.Persistent {
			t.Skip("backend keeps nothing at rest")
		}
		testStorage(t, h)
	})
}

// env is one registry over a fresh store.
type env struct {
	h    Harness
	path string
	d    driver.Driver // the driver under reg
	reg  *registry.Registry
	opts *registry.Options
}

// newEnv opens a fresh store and a registry over it; the registry is closed
// when the test ends.
func newEnv(tb testing.TB, h Harness, opts *registry.Options) *env {
	tb.Helper()
	e := &env{h: h, path: filepath.Join(tb.TempDir(), "registry.db"), opts: opts}
	e.open(tb)
	return e
}

func (e *env) open(tb testing.TB) {
	tb.Helper()
	e.d = e.h.Open(tb, e.path)
	reg, err := registry.New(e.d, e.opts)
	if err != nil {
		e.d.Close()
		tb.Fatalf("registry.New: %v", err)
	}
	e.reg = reg
	tb.Cleanup(func() { reg.Close() })
}

// reopen closes the registry and opens a new one over the same path.
func (e *env) reopen(tb testing.TB) {
	tb.Helper()
	if err := e.reg.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
	e.open(tb)
}

// twin returns a second registry over the same driver, with its own (cold)
// compiled-schema cache. It is not closed: e.reg owns the driver.
func (e *env) twin(tb testing.TB) *registry.Registry {
	tb.Helper()
	reg, err := registry.New(e.d, e.opts)
	if err != nil {
		tb.Fatalf("registry.New: %v", err)
	}
	return reg
}

const (
	tenant evidence.TenantID    = 7
	ns     evidence.NamespaceID = 3
)

// record returns a record in (tenant, ns) with created_at 1700000000000.
func record(id, version, schema string) registry.Record {
	return registry.Record{
		TenantID:    tenant,
		NamespaceID: ns,
		SchemaID:    id,
		Version:     version,
		Schema:      json.RawMessage(schema),
		CreatedAt:   evidence.AtMillis(1_700_000_000_000),
	}
}

const objectSchema = `{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}`

func mustRegister(tb testing.TB, reg *registry.Registry, rec registry.Record) registry.Record {
	tb.Helper()
	stored, err := reg.Register(context.Background(), rec)
	if err != nil {
		tb.Fatalf("Register(%s@%s): %v", rec.SchemaID, rec.Version, err)
	}
	return stored
}

// wantErr fails unless err has code and, when msg is not empty, the client
// message msg.
func wantErr(tb testing.TB, err error, code errcode.Code, msg string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %s %q", code, msg)
	}
	if got := errcode.Of(err); got != code {
		tb.Fatalf("got code %s (%v), want %s", got, err, code)
	}
	if msg != "" && errcode.Message(err) != msg {
		tb.Fatalf("got message %q, want %q", errcode.Message(err), msg)
	}
}

// wantIs fails unless errors.Is(err, target).
func wantIs(tb testing.TB, err, target error) {
	tb.Helper()
	if !errors.Is(err, target) {
		tb.Fatalf("got %v, want %v", err, target)
	}
}

func marshal(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// flip damages every copy of marker at rest under path: it lowers the first
// byte of each occurrence by one ('c' becomes 'b'), so the record still
// parses as JSON and only the integrity check can notice. It returns how
// many copies it changed.
func flip(tb testing.TB, path string, marker []byte) int {
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
