package pgreg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/pgtest"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/driver"
	"github.com/decision-gate/dgw/host/registry/registrytest"
)

// open opens a driver on dsn and closes it when the test ends.
func open(tb testing.TB, dsn string, opts *Options) *Driver {
	tb.Helper()
	d, err := Open(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

func TestConformance(t *testing.T) {
	pgtest.Admin(t) // skip or fail up front, before the suite's subtests
	// The suite names a store by a file path; each path gets a database of
	// its own, and reopening a path reconnects to the same database.
	var mu sync.Mutex
	dsns := map[string]string{}
	registrytest.Run(t, registrytest.Harness{
		Open: func(tb testing.TB, path string) driver.Driver {
			tb.Helper()
			mu.Lock()
			dsn, ok := dsns[path]
			if !ok {
				dsn = pgtest.DSN(tb)
				dsns[path] = dsn
			}
			mu.Unlock()
			d, err := Open(context.Background(), dsn, &Options{MaxConns: 16})
			if err != nil {
				tb.Fatalf("Open: %v", err)
			}
			return d
		},
		// The suite's at-rest checks damage files; TestReopen and
		// TestCorruption below do the same through SQL.
		Persistent: false,
	})
}

func record(id, version, desc string) registry.Record {
	r := registry.Record{
		TenantID: 7, NamespaceID: 3, SchemaID: id, Version: version,
		Schema:    json.RawMessage(`{"type":"object"}`),
		CreatedAt: evidence.AtMillis(1_700_000_000_000),
	}
	if desc != "" {
		r.Description = &desc
	}
	return r
}

func newRegistry(tb testing.TB, d driver.Driver, max int) *registry.Registry {
	tb.Helper()
	reg, err := registry.New(d, &registry.Options{MaxEntries: uint64(max)})
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a := open(t, dsn, nil)
	reg := newRegistry(t, a, 2)
	if _, err := reg.Register(ctx, record("s", "1", "")); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b := open(t, dsn, nil)
	reg = newRegistry(t, b, 2)
	got, err := reg.Get(ctx, 7, 3, "s", "1")
	if err != nil || got.SchemaID != "s" {
		t.Fatalf("after reopen: %v, %v", got, err)
	}
	if _, err := reg.Register(ctx, record("s", "1", "")); errcode.Of(err) != errcode.Conflict {
		t.Fatalf("duplicate after reopen: %v", err)
	}
	if _, err := reg.Register(ctx, record("s", "2", "")); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Register(ctx, record("s", "3", "")); errcode.Message(err) != "schema registry max entries exceeded" {
		t.Fatalf("third registration under max 2: %v", err)
	}
}

// TestCorruption flips one bit of a stored record: reads of that record
// fail with data_loss and the others are still served.
func TestCorruption(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	d := open(t, dsn, nil)
	reg := newRegistry(t, d, 0)
	for _, id := range []string{"a", "b", "c"} {
		if _, err := reg.Register(ctx, record(id, "1", "marker")); err != nil {
			t.Fatal(err)
		}
	}
	tag, err := d.pool.Exec(ctx, `UPDATE dg_schema_records
		SET record_json = set_bit(record_json, 8 * position('marker'::bytea IN record_json), 1 - get_bit(record_json, 8 * position('marker'::bytea IN record_json)))
		WHERE record_key = $1`, driver.EncodeKey(driver.Key{SchemaID: "b", Version: "1"}))
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("flip: %v, %v", tag, err)
	}
	reg = newRegistry(t, d, 0) // a cold compiled-schema cache
	if _, err := reg.Get(ctx, 7, 3, "b", "1"); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Get of the damaged record: %v", err)
	}
	if _, _, err := reg.List(ctx, 7, 3, nil, nil); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("List over the damaged record: %v", err)
	}
	if _, err := reg.Get(ctx, 7, 3, "a", "1"); err != nil {
		t.Fatalf("undamaged record: %v", err)
	}
	cursor := `{"schema_id":"b","version":"1"}`
	items, _, err := reg.List(ctx, 7, 3, &cursor, nil)
	if err != nil || len(items) != 1 || items[0].SchemaID != "c" {
		t.Fatalf("page after the damaged record: %v, %v", items, err)
	}
	// Damage to the checksum itself is caught the same way.
	if _, err := d.pool.Exec(ctx, `UPDATE dg_schema_records SET checksum = repeat('0', 64) WHERE record_key = $1`,
		driver.EncodeKey(driver.Key{SchemaID: "c", Version: "1"})); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, driver.Scope{TenantID: 7, NamespaceID: 3}, driver.Key{SchemaID: "c", Version: "1"}); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Get with a damaged checksum: %v", err)
	}
}

// TestSharedLimit races writers on several drivers (as several servers
// would be) against one count limit.
func TestSharedLimit(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	const drivers, writers, max = 4, 60, 17
	var ds []*Driver
	for range drivers {
		ds = append(ds, open(t, dsn, &Options{MaxConns: 4}))
	}
	sc := driver.Scope{TenantID: 1, NamespaceID: 2}
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			err := ds[i%drivers].Put(ctx, sc, driver.Key{SchemaID: fmt.Sprintf("k%02d", i), Version: "1"}, []byte(`{}`), max)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, driver.ErrFull):
				full.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n, err := ds[0].Count(ctx, sc)
	if err != nil || n != max || ok.Load() != max || full.Load() != writers-max {
		t.Fatalf("count %d (%v), %d stored, %d refused; want %d stored and %d refused", n, err, ok.Load(), full.Load(), max, writers-max)
	}
}

// TestSharedLimit_processes runs the writers in separate processes: this
// test binary re-executed as helpers, each with its own pool.
func TestSharedLimit_processes(t *testing.T) {
	if dsn := os.Getenv("PGREG_HELPER_DSN"); dsn != "" {
		helperWriter(t, dsn)
		return
	}
	dsn := pgtest.DSN(t)
	open(t, dsn, nil) // create the tables before the helpers start
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const procs, perProc, max = 4, 10, 23
	var wg sync.WaitGroup
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	for p := range procs {
		wg.Go(func() {
			cmd := exec.Command(exe, "-test.run=^TestSharedLimit_processes$", "-test.count=1")
			cmd.Env = append(os.Environ(), "PGREG_HELPER_DSN="+dsn, fmt.Sprintf("PGREG_HELPER_ID=%d", p),
				fmt.Sprintf("PGREG_HELPER_N=%d", perProc), fmt.Sprintf("PGREG_HELPER_MAX=%d", max))
			outs[p], errs[p] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	stored := 0
	for p := range procs {
		if errs[p] != nil {
			t.Fatalf("helper %d: %v\n%s", p, errs[p], outs[p])
		}
		var n int
		for _, line := range strings.Split(string(outs[p]), "\n") {
			if _, err := fmt.Sscanf(line, "stored %d", &n); err == nil {
				stored += n
			}
		}
	}
	d := open(t, dsn, nil)
	n, err := d.Count(context.Background(), driver.Scope{TenantID: 1, NamespaceID: 1})
	if err != nil || n != max || stored != max {
		t.Fatalf("count %d (%v), helpers stored %d; want %d", n, err, stored, max)
	}
}

func helperWriter(t *testing.T, dsn string) {
	var id, n int
	var max uint64
	fmt.Sscan(os.Getenv("PGREG_HELPER_ID"), &id)
	fmt.Sscan(os.Getenv("PGREG_HELPER_N"), &n)
	fmt.Sscan(os.Getenv("PGREG_HELPER_MAX"), &max)
	d := open(t, dsn, &Options{MaxConns: 4})
	var stored atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			err := d.Put(context.Background(), driver.Scope{TenantID: 1, NamespaceID: 1},
				driver.Key{SchemaID: fmt.Sprintf("p%d-%02d", id, i), Version: "1"}, []byte(`{}`), max)
			switch {
			case err == nil:
				stored.Add(1)
			case !errors.Is(err, driver.ErrFull):
				t.Error(err)
			}
		})
	}
	wg.Wait()
	fmt.Printf("stored %d\n", stored.Load())
}

func TestOpen_errors(t *testing.T) {
	ctx := context.Background()
	t.Run("bad_dsn", func(t *testing.T) {
		_, err := Open(ctx, "postgres://u:hunter2@[::1", nil)
		if errcode.Of(err) != errcode.InvalidArgument || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("negative_max_conns", func(t *testing.T) {
		_, err := Open(ctx, "host=127.0.0.1", &Options{MaxConns: -1})
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		sock := t.TempDir() // no server listens here
		_, err := Open(ctx, "host="+sock+" user=x password=hunter2 dbname=x connect_timeout=2", nil)
		if errcode.Of(err) != errcode.Unavailable || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("newer_layout", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		d := open(t, dsn, nil)
		if _, err := d.pool.Exec(ctx, `UPDATE dg_registry_meta SET layout = 99`); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, dsn, nil); errcode.Of(err) != errcode.FailedPrecondition {
			t.Fatalf("got %v", err)
		}
	})
}

// TestOpen_concurrent starts several drivers on an empty database at once,
// as replicas starting together would.
func TestOpen_concurrent(t *testing.T) {
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			d, err := Open(context.Background(), dsn, &Options{MaxConns: 1})
			if err != nil {
				t.Error(err)
				return
			}
			d.Close()
		})
	}
	wg.Wait()
}

func TestClose(t *testing.T) {
	d := open(t, pgtest.DSN(t), nil)
	d.Close()
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err := d.Count(context.Background(), driver.Scope{})
	if errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("after Close: %v", err)
	}
}
