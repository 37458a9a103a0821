package sqlitereg

import (
	"context"
	"database/sql"
	"errors"
	"github.com/decision-gate/dgw/host/internal/sqlitedb"
	"strconv"
	"sync/atomic"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// schemaVersion is the layout version kept in PRAGMA user_version.
const schemaVersion = 1

// DefaultBusyTimeoutMS is the busy timeout when Options leaves it 0.
const DefaultBusyTimeoutMS = sqlitedb.DefaultBusyTimeoutMS

// Options configures [Open]. A nil *Options means all defaults.
type Options struct {
	// JournalMode is "wal" (the default when "") or "delete".
	JournalMode string
	// SyncMode is "full" (the default when "") or "normal".
	SyncMode string
	// BusyTimeoutMS is how long a connection waits for a lock; 0 means
	// DefaultBusyTimeoutMS.
	BusyTimeoutMS int64
}

// Driver is a registry backend over one SQLite file. Close it when done.
type Driver struct {
	db     *sql.DB
	closed atomic.Bool
}

const createTable = `CREATE TABLE IF NOT EXISTS schema_records (
	tenant_id    INTEGER NOT NULL,
	namespace_id INTEGER NOT NULL,
	record_key   BLOB    NOT NULL,
	schema_id    TEXT    NOT NULL,
	version      TEXT    NOT NULL,
	record_json  BLOB    NOT NULL,
	checksum     TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, namespace_id, record_key)
) WITHOUT ROWID`

// Open opens (creating if needed) the registry database at path.
//
// # Errors
//
// errcode.InvalidArgument for unknown options; errcode.FailedPrecondition
// for a file with a newer layout; errcode.Unavailable when the file stays
// locked; errcode.Internal for other failures.
func Open(path string, opts *Options) (*Driver, error) {
	const op = "sqlitereg: open"
	dsn, err := dataSourceName(path, opts)
	if err != nil {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, sqlitedb.Classify(context.Background(), op, err)
	}
	d := &Driver{db: db}
	if err := d.migrate(); err != nil {
		db.Close()
		return nil, sqlitedb.Classify(context.Background(), op, err)
	}
	return d, nil
}

// dataSourceName builds the driver DSN: a file: URI with the pragmas every
// new connection runs.
func dataSourceName(path string, opts *Options) (string, error) {
	if opts == nil {
		opts = &Options{}
	}
	return sqlitedb.Build(path, opts.JournalMode, opts.SyncMode, opts.BusyTimeoutMS)
}

// migrate creates the table in a new file and refuses files with a newer
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
		return errcode.New(errcode.FailedPrecondition, "sqlitereg: database layout %d is newer than %d", v, schemaVersion)
	case v == schemaVersion:
		return nil
	}
	if _, err := tx.ExecContext(ctx, createTable); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// classify is the package classify, except that any failure after Close
// (a call that raced it) is [driver.ErrClosed].
func (d *Driver) classify(ctx context.Context, op string, err error) error {
	if err != nil && d.closed.Load() {
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

// ids returns the scope as the i64 pair SQLite stores.
func ids(sc driver.Scope) (int64, int64) {
	return int64(sc.TenantID), int64(sc.NamespaceID)
}

// Put implements [driver.Driver].
func (d *Driver) Put(ctx context.Context, sc driver.Scope, key driver.Key, value []byte, maxEntries uint64) error {
	const op = "sqlitereg: put"
	if err := d.begin(ctx, op); err != nil {
		return err
	}
	err := d.put(ctx, sc, key, value, maxEntries)
	return d.classify(ctx, op, err)
}

func (d *Driver) put(ctx context.Context, sc driver.Scope, key driver.Key, value []byte, maxEntries uint64) error {
	tenant, ns := ids(sc)
	tx, err := d.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see _txlock in the DSN
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if maxEntries > 0 {
		var n uint64
		err := tx.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM schema_records WHERE tenant_id = ? AND namespace_id = ?`,
			tenant, ns).Scan(&n)
		if err != nil {
			return err
		}
		if n >= maxEntries {
			return driver.ErrFull
		}
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO schema_records (tenant_id, namespace_id, record_key, schema_id, version, record_json, checksum)
		 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		tenant, ns, driver.EncodeKey(key), key.SchemaID, key.Version, value, driver.Checksum(value))
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return driver.ErrExists
	}
	return tx.Commit()
}

// Get implements [driver.Driver].
func (d *Driver) Get(ctx context.Context, sc driver.Scope, key driver.Key) ([]byte, error) {
	const op = "sqlitereg: get"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	tenant, ns := ids(sc)
	var value []byte
	var sum string
	err := d.db.QueryRowContext(ctx,
		`SELECT record_json, checksum FROM schema_records
		 WHERE tenant_id = ? AND namespace_id = ? AND record_key = ?`,
		tenant, ns, driver.EncodeKey(key)).Scan(&value, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, driver.ErrNotFound
	}
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	if err := driver.VerifyRecord("sqlitereg", sc, key, value, sum); err != nil {
		return nil, err
	}
	return value, nil
}

// List implements [driver.Driver].
func (d *Driver) List(ctx context.Context, sc driver.Scope, after *driver.Key, limit int) ([]driver.Entry, error) {
	const op = "sqlitereg: list"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	tenant, ns := ids(sc)
	from := []byte{} // every key is longer than this, so "> from" is "from the start"
	if after != nil {
		from = driver.EncodeKey(*after)
	}
	rows, err := d.db.QueryContext(ctx,
		`SELECT record_key, record_json, checksum FROM schema_records
		 WHERE tenant_id = ? AND namespace_id = ? AND record_key > ?
		 ORDER BY record_key LIMIT ?`,
		tenant, ns, from, limit)
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	return driver.ScanEntries(rows, "sqlitereg", op, sc, func(err error) error { return d.classify(ctx, op, err) })
}

// Count implements [driver.Driver].
func (d *Driver) Count(ctx context.Context, sc driver.Scope) (uint64, error) {
	const op = "sqlitereg: count"
	if err := d.begin(ctx, op); err != nil {
		return 0, err
	}
	tenant, ns := ids(sc)
	var n uint64
	err := d.db.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM schema_records WHERE tenant_id = ? AND namespace_id = ?`,
		tenant, ns).Scan(&n)
	if err != nil {
		return 0, d.classify(ctx, op, err)
	}
	return n, nil
}

// Close implements [driver.Driver].
func (d *Driver) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	return sqlitedb.Classify(context.Background(), "sqlitereg: close", d.db.Close())
}

var _ driver.Driver = (*Driver)(nil)
