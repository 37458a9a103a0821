package sqlitereg

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
	"github.com/decision-gate/dgw/host/registry/registrytest"
)

func TestConformance(t *testing.T) {
	for _, opts := range []*Options{
		nil,
		{JournalMode: "delete", SyncMode: "normal", BusyTimeoutMS: 10000},
	} {
		name := "defaults"
		if opts != nil {
			name = opts.JournalMode + "_" + opts.SyncMode
		}
		t.Run(name, func(t *testing.T) {
			registrytest.Run(t, registrytest.Harness{
				Open: func(tb testing.TB, path string) driver.Driver {
					tb.Helper()
					d, err := Open(path, opts)
					if err != nil {
						tb.Fatalf("Open: %v", err)
					}
					return d
				},
				Persistent: true,
			})
		})
	}
}

func TestOpen_pragmas(t *testing.T) {
	for _, tc := range []struct {
		opts    *Options
		journal string
		sync    int
		busy    int
	}{
		{nil, "wal", 2, 5000},
		{&Options{}, "wal", 2, 5000},
		{&Options{JournalMode: "WAL", SyncMode: "FULL", BusyTimeoutMS: 250}, "wal", 2, 250},
		{&Options{JournalMode: "delete", SyncMode: "normal"}, "delete", 1, 5000},
	} {
		d, err := Open(filepath.Join(t.TempDir(), "r.db"), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		// Ask on one connection: the pragmas are per connection.
		conn, err := d.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var journal string
		var sync, busy int
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		d.Close()
		if journal != tc.journal || sync != tc.sync || busy != tc.busy {
			t.Errorf("%+v: journal_mode %s, synchronous %d, busy_timeout %d; want %s, %d, %d",
				tc.opts, journal, sync, busy, tc.journal, tc.sync, tc.busy)
		}
	}
}

func TestOpen_badOptions(t *testing.T) {
	for _, opts := range []*Options{
		{JournalMode: "memory"},
		{SyncMode: "off"},
		{BusyTimeoutMS: -1},
	} {
		_, err := Open(filepath.Join(t.TempDir(), "r.db"), opts)
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("%+v: %v, want invalid_argument", opts, err)
		}
	}
	if _, err := Open("", nil); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("empty path: %v", err)
	}
}

func TestOpen_awkwardPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a?b#c%d e.db")
	d, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	d, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
	if len(matches) != 1 || matches[0] != path {
		t.Fatalf("files created: %q, want %q", matches, path)
	}
}

func TestOpen_newerLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	d, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := Open(path, nil); errcode.Of(err) != errcode.FailedPrecondition {
		t.Fatalf("Open of a newer layout: %v, want failed_precondition", err)
	}
}

func TestShared_twoDrivers(t *testing.T) {
	// Two drivers on one file (as two processes would be) share the count
	// limit and key uniqueness.
	path := filepath.Join(t.TempDir(), "r.db")
	a, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	sc := driver.Scope{TenantID: 1, NamespaceID: 1}
	k := driver.Key{SchemaID: "s", Version: "1"}
	if err := a.Put(ctx, sc, k, []byte(`1`), 2); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, sc, k, []byte(`2`), 2); errcode.Of(err) != errcode.Conflict {
		t.Fatalf("duplicate through the second driver: %v", err)
	}
	if err := b.Put(ctx, sc, driver.Key{SchemaID: "t", Version: "1"}, []byte(`3`), 2); err != nil {
		t.Fatal(err)
	}
	if err := a.Put(ctx, sc, driver.Key{SchemaID: "u", Version: "1"}, []byte(`4`), 2); err == nil {
		t.Fatalf("count limit not shared between drivers")
	}
}
