package pgstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/internal/pgtest"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// databases maps the suite's storage paths to databases: each path gets a
// database of its own, and reopening a path reconnects to it.
type databases struct {
	mu   sync.Mutex
	dsns map[string]string
}

func (dbs *databases) dsn(tb testing.TB, path string) string {
	tb.Helper()
	dbs.mu.Lock()
	defer dbs.mu.Unlock()
	if dbs.dsns == nil {
		dbs.dsns = map[string]string{}
	}
	dsn, ok := dbs.dsns[path]
	if !ok {
		dsn = pgtest.DSN(tb)
		dbs.dsns[path] = dsn
	}
	return dsn
}

func harness() storetest.Harness {
	dbs := &databases{}
	return storetest.Harness{
		Open: func(tb testing.TB, path string) driver.Store {
			tb.Helper()
			d, err := OpenDriver(context.Background(), dbs.dsn(tb, path), nil)
			if err != nil {
				tb.Fatalf("OpenDriver: %v", err)
			}
			return d
		},
		Persistent: true,
		Shared:     true,
		Corrupt: func(tb testing.TB, path string, marker []byte) int {
			tb.Helper()
			return corrupt(tb, dbs.dsn(tb, path), marker)
		},
	}
}

func TestConformance(t *testing.T) {
	pgtest.Admin(t) // skip or fail up front, before the suite's subtests
	storetest.Run(t, harness())
}

// corrupt lowers the first byte of every copy of marker in every stored
// run version and spec, over a connection of its own, and returns how many
// copies it changed.
func corrupt(tb testing.TB, dsn string, marker []byte) int {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	n := 0
	for _, table := range []struct{ name, key string }{
		{"dg_run_versions", "(run_key, version)"},
		{"dg_specs", "scenario_id"},
	} {
		rows, err := conn.Query(ctx, `SELECT ctid::text, blob FROM `+table.name+` WHERE position($1::bytea IN blob) > 0`, marker)
		if err != nil {
			tb.Fatal(err)
		}
		type row struct {
			ctid string
			blob []byte
		}
		var damaged []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.ctid, &r.blob); err != nil {
				tb.Fatal(err)
			}
			for off := 0; ; {
				i := bytes.Index(r.blob[off:], marker)
				if i < 0 {
					break
				}
				r.blob[off+i]--
				off += i + len(marker)
				n++
			}
			damaged = append(damaged, r)
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		for _, r := range damaged {
			if _, err := conn.Exec(ctx, `UPDATE `+table.name+` SET blob = $1 WHERE ctid = $2::tid`, r.blob, r.ctid); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return n
}

func openDriver(tb testing.TB, dsn string, opts *Options) *Driver {
	tb.Helper()
	d, err := OpenDriver(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("OpenDriver: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

func TestOpen_errors(t *testing.T) {
	ctx := context.Background()
	t.Run("bad_dsn", func(t *testing.T) {
		_, err := OpenDriver(ctx, "postgres://u:hunter2@[::1", nil)
		if errcode.Of(err) != errcode.InvalidArgument || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bad_options", func(t *testing.T) {
		for _, opts := range []*Options{{MaxConns: -1}, {WriteTimeout: -1}} {
			if _, err := OpenDriver(ctx, "host=127.0.0.1", opts); errcode.Of(err) != errcode.InvalidArgument {
				t.Errorf("%+v: %v", opts, err)
			}
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		sock := t.TempDir() // no server listens here
		_, err := OpenDriver(ctx, "host="+sock+" user=x password=hunter2 dbname=x connect_timeout=2", nil)
		if errcode.Of(err) != errcode.Unavailable || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("newer_layout", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		d := openDriver(t, dsn, nil)
		if _, err := d.pool.Exec(ctx, `UPDATE dg_store_meta SET layout = 99`); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenDriver(ctx, dsn, nil); errcode.Of(err) != errcode.FailedPrecondition {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bad_store_options", func(t *testing.T) {
		_, err := Open(ctx, pgtest.DSN(t), &Options{Store: store.Options{MaxVersions: -1}})
		if errcode.Of(err) != errcode.InvalidArgument {
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
			d, err := OpenDriver(context.Background(), dsn, &Options{MaxConns: 1})
			if err != nil {
				t.Error(err)
				return
			}
			d.Close()
		})
	}
	wg.Wait()
}

// TestSynchronousCommit checks that sessions commit durably even when the
// database defaults to synchronous_commit = off.
func TestSynchronousCommit(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var db string
	d := openDriver(t, dsn, nil)
	if err := d.pool.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		t.Fatal(err)
	}
	if _, err := d.pool.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db}.Sanitize()+` SET synchronous_commit = off`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	d = openDriver(t, dsn, nil)
	var setting string
	if err := d.pool.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&setting); err != nil {
		t.Fatal(err)
	}
	if setting != "on" {
		t.Fatalf("synchronous_commit = %s in a driver session", setting)
	}
}

// TestDamagedRows covers rows a driver cannot read as records: a checksum
// of the wrong length and a run whose latest version is missing.
func TestDamagedRows(t *testing.T) {
	ctx := context.Background()
	d := openDriver(t, pgtest.DSN(t), nil)
	k := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}
	b := []byte(`{"v":1}`)
	if _, err := d.Create(ctx, k, b, driver.Sum(b)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Append(ctx, k, b, driver.Sum(b), 1, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.pool.Exec(ctx, `UPDATE dg_run_versions SET checksum = '\x00'::bytea WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, k, 1); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Get with a short checksum: %v", err)
	}
	if _, err := d.Versions(ctx, k); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Versions with a short checksum: %v", err)
	}
	if _, err := d.pool.Exec(ctx, `DELETE FROM dg_run_versions WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(ctx, k); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Load with the latest version missing: %v", err)
	}
	if _, err := d.pool.Exec(ctx, `INSERT INTO dg_runs (run_key, latest, oldest) VALUES ('\x01'::bytea, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.List(ctx, driver.ListOptions{Limit: 10}); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("List over a short key: %v", err)
	}
}

// TestBlobCompression checks that the blob columns use lz4 when the server
// supports it.
func TestBlobCompression(t *testing.T) {
	ctx := context.Background()
	d := openDriver(t, pgtest.DSN(t), nil)
	var lz4 bool
	if err := d.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_settings
		WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`).Scan(&lz4); err != nil {
		t.Fatal(err)
	}
	want := ""
	if lz4 {
		want = "l"
	}
	for _, table := range []string{"dg_run_versions", "dg_specs"} {
		var got string
		if err := d.pool.QueryRow(ctx, `SELECT attcompression::text FROM pg_attribute
			WHERE attrelid = $1::regclass AND attname = 'blob'`, table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s.blob compression %q, want %q (lz4 supported: %v)", table, got, want, lz4)
		}
	}
}

// lockRun holds the row lock of a run in a transaction of its own until
// the returned function is called, so that writes to the run wait.
func lockRun(t *testing.T, dsn string, k scenario.RunKey) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM dg_runs WHERE run_key = $1 FOR UPDATE`, driver.EncodeKey(k)); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			tx.Commit(ctx)
			conn.Close(ctx)
		})
	}
	t.Cleanup(release)
	return release
}

// waitForLockWait waits until some session waits for a lock.
func waitForLockWait(t *testing.T, d *Driver) {
	t.Helper()
	for range 500 {
		var n int
		if err := d.pool.QueryRow(context.Background(),
			`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no session started waiting for the lock")
}

// TestWrite_contextAfterSend checks the write semantics of the package
// documentation: a write that was sent finishes even if its context is
// canceled, and a write whose outcome cannot be known is unavailable.
func TestWrite_contextAfterSend(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	d := openDriver(t, dsn, &Options{WriteTimeout: 500 * time.Millisecond})
	k := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}
	b := []byte(`{"v":1}`)
	if _, err := d.Create(ctx, k, b, driver.Sum(b)); err != nil {
		t.Fatal(err)
	}

	t.Run("canceled_after_send", func(t *testing.T) {
		release := lockRun(t, dsn, k)
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := d.Append(cctx, k, b, driver.Sum(b), 1, 0)
			done <- err
		}()
		waitForLockWait(t, d)
		cancel()
		time.Sleep(50 * time.Millisecond)
		release()
		if err := <-done; err != nil {
			t.Fatalf("a sent write whose context was canceled: %v, want it to finish", err)
		}
		if rec, err := d.Load(ctx, k); err != nil || rec.Version != 2 {
			t.Fatalf("Load = %d, %v; want version 2", rec.Version, err)
		}
	})

	t.Run("write_timeout", func(t *testing.T) {
		release := lockRun(t, dsn, k)
		_, err := d.Append(ctx, k, b, driver.Sum(b), 2, 0)
		release()
		if errcode.Of(err) != errcode.Unavailable || !strings.Contains(err.Error(), "outcome unknown") {
			t.Fatalf("a write that outlived the write timeout: %v, want unavailable, outcome unknown", err)
		}
		// The outcome is unknown by design: the server may have cancelled
		// the statement (still version 2) or finished it when the lock was
		// released before the cancel request arrived (version 3). Either
		// way the store is consistent and the next write over the latest
		// version succeeds.
		// The unknown write may still be settling on the server, so the
		// next write reloads and retries on Conflict, as the engine does.
		deadline := time.Now().Add(5 * time.Second)
		for {
			rec, err := d.Load(ctx, k)
			if err != nil || (rec.Version != 2 && rec.Version != 3) {
				t.Fatalf("Load after the timeout = %d, %v; want version 2 or 3", rec.Version, err)
			}
			v, err := d.Append(ctx, k, b, driver.Sum(b), rec.Version, 0)
			if errcode.Of(err) == errcode.Conflict && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if err != nil || v != rec.Version+1 {
				t.Fatalf("Append after the timeout = %d, %v", v, err)
			}
			break
		}
	})

	t.Run("backend_terminated", func(t *testing.T) {
		cur, err := d.Load(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		release := lockRun(t, dsn, k)
		done := make(chan error, 1)
		go func() {
			_, err := d.Append(ctx, k, b, driver.Sum(b), cur.Version, 0)
			done <- err
		}()
		waitForLockWait(t, d)
		if _, err := d.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND datname = current_database()`); err != nil {
			t.Fatal(err)
		}
		err = <-done
		release()
		if errcode.Of(err) != errcode.Unavailable {
			t.Fatalf("a write whose connection was terminated: %v, want unavailable", err)
		}
		if v, err := d.Append(ctx, k, b, driver.Sum(b), cur.Version, 0); err != nil || v != cur.Version+1 {
			t.Fatalf("Append after the terminated one = %d, %v", v, err)
		}
	})
}

// TestAppend_concurrentKeep races appenders that prune (keep 3) through two
// drivers, as two replicas with max_versions would: however the appends
// interleave, exactly the newest three versions remain.
func TestAppend_concurrentKeep(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	ds := []*Driver{openDriver(t, dsn, nil), openDriver(t, dsn, nil)}
	k := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "hot"}
	b := []byte(`{"v":0}`)
	if _, err := ds[0].Create(ctx, k, b, driver.Sum(b)); err != nil {
		t.Fatal(err)
	}
	const writers, each, keep = 8, 15, 3
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			d := ds[w%2]
			for i, attempt := 0, 0; i < each; attempt++ {
				rec, err := d.Load(ctx, k)
				if err != nil {
					t.Error(err)
					return
				}
				// Some writers guess, every other attempt, that another
				// append lands before theirs.
				prev := rec.Version
				if w%3 == 0 && attempt%2 == 0 {
					prev++
				}
				blob := []byte(fmt.Sprintf(`{"w":%d,"i":%d}`, w, i))
				_, err = d.Append(ctx, k, blob, driver.Sum(blob), prev, keep)
				switch errcode.Of(err) {
				case "":
					i++
				case errcode.Conflict:
				default:
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	vs, err := ds[1].Versions(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	last := driver.Version(1 + writers*each)
	if len(vs) != keep || vs[0].Version != last-2 || vs[2].Version != last {
		t.Fatalf("versions %+v, want %d..%d", vs, last-2, last)
	}
}
