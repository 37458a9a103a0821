package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/storetest"
)

func harness(opts *Options) storetest.Harness {
	return storetest.Harness{
		Open: func(tb testing.TB, path string) driver.Store {
			tb.Helper()
			d, err := OpenDriver(path, opts)
			if err != nil {
				tb.Fatalf("OpenDriver: %v", err)
			}
			return d
		},
		Persistent: true,
		Shared:     true,
	}
}

func TestConformance(t *testing.T) {
	for _, opts := range []*Options{
		nil,
		{JournalMode: "delete", SyncMode: "normal", BusyTimeoutMS: 10000},
	} {
		name := "wal_full"
		if opts != nil {
			name = opts.JournalMode + "_" + opts.SyncMode
		}
		t.Run(name, func(t *testing.T) { storetest.Run(t, harness(opts)) })
	}
}

// BenchmarkDurableDecision runs with synchronous FULL (the default): every
// decision is fsynced before its trigger returns.
func BenchmarkDurableDecision(b *testing.B) {
	storetest.BenchmarkDecision(b, harness(&Options{JournalMode: "wal", SyncMode: "full"}))
}

func TestOpen_pragmas(t *testing.T) {
	for _, tc := range []struct {
		opts    *Options
		journal string
		sync    int
		busy    int
	}{
		{nil, "wal", 2, 5000},
		{&Options{JournalMode: "WAL", SyncMode: "FULL", BusyTimeoutMS: 250}, "wal", 2, 250},
		{&Options{JournalMode: "delete", SyncMode: "normal"}, "delete", 1, 5000},
	} {
		d, err := OpenDriver(filepath.Join(t.TempDir(), "runs.db"), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		conn, err := d.db.Conn(ctx) // pragmas are per connection: ask one
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
	for _, opts := range []*Options{{JournalMode: "memory"}, {SyncMode: "off"}, {BusyTimeoutMS: -1}} {
		_, err := OpenDriver(filepath.Join(t.TempDir(), "runs.db"), opts)
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("%+v: %v, want invalid_argument", opts, err)
		}
	}
	if _, err := OpenDriver("", nil); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("empty path: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "runs.db"), &Options{Store: storeOptions(-1)}); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("negative max versions: %v", err)
	}
}

func TestOpen_newerLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.db")
	d, err := OpenDriver(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := OpenDriver(path, nil); errcode.Of(err) != errcode.FailedPrecondition {
		t.Fatalf("Open of a newer layout: %v, want failed_precondition", err)
	}
}

func TestDamagedRows(t *testing.T) {
	// Damage the driver can see without checksums: a checksum that is not
	// hex, a latest version whose row is gone.
	ctx := context.Background()
	d, err := OpenDriver(filepath.Join(t.TempDir(), "runs.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	k := scenarioKey("r")
	b := []byte(`{}`)
	if _, err := d.Create(ctx, k, b, driver.Sum(b)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Exec(`UPDATE run_versions SET checksum = 'zz'`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(ctx, k); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("bad checksum text: %v", err)
	}
	if _, err := d.Versions(ctx, k); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Versions with a bad checksum text: %v", err)
	}
	if _, err := d.db.Exec(`DELETE FROM run_versions`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(ctx, k); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("missing latest version: %v", err)
	}
	if _, err := d.Versions(ctx, k); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Versions of a run without versions: %v", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{[]byte{1, 2}, []byte{1, 3}},
		{[]byte{1, 0xFF}, []byte{2}},
		{[]byte{0xFF, 0xFF}, nil},
		{nil, nil},
	} {
		if got := prefixEnd(tc.in); string(got) != string(tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("prefixEnd(%x) = %x, want %x", tc.in, got, tc.want)
		}
	}
}
