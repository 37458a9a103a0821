package sqlitestore

import (
	"context"
	"database/sql"
	"github.com/decision-gate/dgw/host/internal/sqlitedb"
	"strconv"
	"sync/atomic"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/internal/groupcommit"
)

// schemaVersion is the layout version kept in PRAGMA user_version.
const schemaVersion = 1

// DefaultBusyTimeoutMS is the busy timeout when Options leaves it 0.
const DefaultBusyTimeoutMS = sqlitedb.DefaultBusyTimeoutMS

// Options configures [Open] and [OpenDriver]. A nil *Options means all
// defaults.
type Options struct {
	// JournalMode is "wal" (the default when "") or "delete".
	JournalMode string
	// SyncMode is "full" (the default when "") or "normal".
	SyncMode string
	// BusyTimeoutMS is how long a connection waits for a lock; 0 means
	// DefaultBusyTimeoutMS.
	BusyTimeoutMS int64
	// Store configures the portable store that [Open] returns.
	Store store.Options
}

// Driver is a run-state backend over one SQLite file. It is safe for
// concurrent use; Close it when done.
type Driver struct {
	db     *sql.DB
	path   string
	group  *groupcommit.Group[*sql.Tx]
	closed atomic.Bool
}

var schema = []string{
	`CREATE TABLE IF NOT EXISTS runs (
		run_key        BLOB    NOT NULL PRIMARY KEY,
		tenant_id      INTEGER NOT NULL,
		namespace_id   INTEGER NOT NULL,
		run_id         TEXT    NOT NULL,
		latest_version INTEGER NOT NULL
	) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS run_versions (
		run_key    BLOB    NOT NULL,
		version    INTEGER NOT NULL,
		state_json BLOB    NOT NULL,
		checksum   TEXT    NOT NULL,
		PRIMARY KEY (run_key, version)
	)`,
	`CREATE TABLE IF NOT EXISTS specs (
		scenario_id TEXT NOT NULL PRIMARY KEY,
		spec_json   BLOB NOT NULL,
		checksum    TEXT NOT NULL
	)`,
}

// Open opens (creating if needed) the run-state database at path and
// returns the portable store over it. Close the store when done.
//
// # Errors
//
// As for [OpenDriver]; errcode.InvalidArgument for bad store options.
func Open(path string, opts *Options) (*store.Store, error) {
	d, err := OpenDriver(path, opts)
	if err != nil {
		return nil, err
	}
	var so *store.Options
	if opts != nil {
		so = &opts.Store
	}
	return store.New(d, so)
}

// OpenDriver opens (creating if needed) the run-state database at path.
//
// # Errors
//
// errcode.InvalidArgument for unknown options or an empty path;
// errcode.FailedPrecondition for a file with a newer layout;
// errcode.Unavailable when the file stays locked; errcode.Internal for
// other failures (a file that is not a database, say).
func OpenDriver(path string, opts *Options) (*Driver, error) {
	const op = "sqlitestore: open"
	dsn, err := dataSourceName(path, opts)
	if err != nil {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, sqlitedb.Classify(context.Background(), op, err)
	}
	db.SetMaxIdleConns(4)
	d := &Driver{db: db, path: path}
	if err := d.migrate(); err != nil {
		db.Close()
		return nil, sqlitedb.Classify(context.Background(), op, err)
	}
	d.group = groupcommit.New(d.txn)
	return d, nil
}

// Path returns the database file.
func (d *Driver) Path() string { return d.path }

// dataSourceName builds the driver DSN: a file: URI with the pragmas every
// new connection runs, and BEGIN IMMEDIATE for every transaction.
func dataSourceName(path string, opts *Options) (string, error) {
	if opts == nil {
		opts = &Options{}
	}
	return sqlitedb.Build(path, opts.JournalMode, opts.SyncMode, opts.BusyTimeoutMS)
}

// migrate creates the tables in a new file and refuses files with a newer
// layout.
func (d *Driver) migrate() error {
	ctx := context.Background()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	switch {
	case v > schemaVersion:
		return errcode.New(errcode.FailedPrecondition, "sqlitestore: database layout %d is newer than %d", v, schemaVersion)
	case v == schemaVersion:
		return nil
	}
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// txn is the group-commit transaction: BEGIN IMMEDIATE (from the DSN),
// fn, COMMIT.
func (d *Driver) txn(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// classify is the package classify, except that any failure after Close
// (a call that raced it) is [driver.ErrClosed].
func (d *Driver) classify(ctx context.Context, op string, err error) error {
	if err != nil && d.closed.Load() && errcode.Of(err) == errcode.Internal {
		return driver.ErrClosed
	}
	return sqlitedb.Classify(ctx, op, err)
}

// begin checks the context and the closed flag before a call.
func (d *Driver) begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return errcode.Wrap(errcode.Of(err), op, err)
	}
	if d.closed.Load() {
		return driver.ErrClosed
	}
	return nil
}

// update runs a write in the next group commit.
func (d *Driver) update(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := d.begin(ctx, op); err != nil {
		return err
	}
	return d.classify(ctx, op, d.group.Do(ctx, fn))
}

// Close implements [driver.Store].
func (d *Driver) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	return sqlitedb.Classify(context.Background(), "sqlitestore: close", d.db.Close())
}

var _ driver.Store = (*Driver)(nil)
