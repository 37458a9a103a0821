package pgreg

import (
	"context"
	"errors"
	"fmt"
	"github.com/decision-gate/dgw/host/internal/pgerr"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// DefaultMaxConns is the pool size when Options leaves MaxConns 0.
const DefaultMaxConns = 8

// Options configures [Open]. A nil *Options means all defaults.
type Options struct {
	// MaxConns caps the connections the driver keeps open; 0 means
	// DefaultMaxConns.
	MaxConns int32
}

// Driver is a registry backend over one PostgreSQL database. It is safe for
// concurrent use; Close it when done.
type Driver struct {
	pool   *pgxpool.Pool
	closed atomic.Bool
}

// Open connects to the database named by dsn (a libpq keyword/value string
// or a postgres:// URL), creates the registry tables if they are missing,
// and returns the driver.
//
// # Errors
//
// errcode.InvalidArgument for a connection string that does not parse or a
// bad option (the message never repeats the string, which may hold a
// password); errcode.Unavailable when the server cannot be reached;
// errcode.FailedPrecondition for a database with a newer layout;
// errcode.Internal for other failures.
func Open(ctx context.Context, dsn string, opts *Options) (*Driver, error) {
	const op = "pgreg: open"
	cfg, err := poolConfig(dsn, opts)
	if err != nil {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, pgerr.Classify(ctx, op, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, pgerr.Classify(ctx, op, err)
	}
	return &Driver{pool: pool}, nil
}

// poolConfig parses dsn and applies opts.
func poolConfig(dsn string, opts *Options) (*pgxpool.Config, error) {
	if opts == nil {
		opts = &Options{}
	}
	if opts.MaxConns < 0 {
		return nil, fmt.Errorf("max_conns %d is negative", opts.MaxConns)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts passwords only on a best-effort basis: say nothing
		// about the string's content.
		return nil, errors.New("the postgres connection string does not parse")
	}
	cfg.MaxConns = DefaultMaxConns
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	return cfg, nil
}

// classify is the package classify, except that any failure after Close
// (a call that raced it) is [driver.ErrClosed].
func (d *Driver) classify(ctx context.Context, op string, err error) error {
	if err != nil && d.closed.Load() {
		return driver.ErrClosed
	}
	return pgerr.Classify(ctx, op, err)
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

// ids returns the scope as the i64 pair the tables store.
func ids(sc driver.Scope) (int64, int64) {
	return int64(sc.TenantID), int64(sc.NamespaceID)
}

const insertRecord = `INSERT INTO dg_schema_records
	(tenant_id, namespace_id, record_key, record_json, checksum)
	VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`

// writeTimeout bounds a registration once it was sent to the server.
const writeTimeout = 30 * time.Second

// Put implements [driver.Driver].
//
// The context is honoured until the registration is sent. After that it
// runs to completion under writeTimeout, so that a registration reported
// as canceled is one that stored nothing; when the timeout fires the
// outcome is unknown and the error is errcode.Unavailable.
func (d *Driver) Put(ctx context.Context, sc driver.Scope, key driver.Key, value []byte, maxEntries uint64) error {
	const op = "pgreg: put"
	if err := d.begin(ctx, op); err != nil {
		return err
	}
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return d.classify(ctx, op, err)
	}
	defer conn.Release()
	if err := ctx.Err(); err != nil { // canceled while waiting for the pool
		return errcode.Wrap(errcode.Of(err), op, err)
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if maxEntries == 0 {
		err = d.insert(wctx, conn, sc, key, value)
	} else {
		err = pgx.BeginFunc(wctx, conn, func(tx pgx.Tx) error {
			tenant, ns := ids(sc)
			// Lock the scope's row: writers to this scope, in any process,
			// queue here, and each counts what the previous one committed.
			if _, err := tx.Exec(wctx, `INSERT INTO dg_schema_scopes (tenant_id, namespace_id) VALUES ($1, $2)
				ON CONFLICT (tenant_id, namespace_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id`, tenant, ns); err != nil {
				return err
			}
			var n uint64
			if err := tx.QueryRow(wctx, `SELECT count(*) FROM dg_schema_records WHERE tenant_id = $1 AND namespace_id = $2`,
				tenant, ns).Scan(&n); err != nil {
				return err
			}
			if n >= maxEntries {
				return driver.ErrFull
			}
			return d.insert(wctx, tx, sc, key, value)
		})
	}
	if err != nil && wctx.Err() != nil {
		return &errcode.Error{Code: errcode.Unavailable, Op: op,
			Err: fmt.Errorf("outcome unknown, read the key to see whether it was stored: %w", err)}
	}
	return d.classify(context.Background(), op, err)
}

// execer is what insert needs of a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// insert adds the record, or returns [driver.ErrExists].
func (d *Driver) insert(ctx context.Context, db execer, sc driver.Scope, key driver.Key, value []byte) error {
	tenant, ns := ids(sc)
	tag, err := db.Exec(ctx, insertRecord,
		tenant, ns, driver.EncodeKey(key), value, driver.Checksum(value))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return driver.ErrExists
	}
	return nil
}

// Get implements [driver.Driver].
func (d *Driver) Get(ctx context.Context, sc driver.Scope, key driver.Key) ([]byte, error) {
	const op = "pgreg: get"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	tenant, ns := ids(sc)
	var value []byte
	var sum string
	err := d.pool.QueryRow(ctx,
		`SELECT record_json, checksum FROM dg_schema_records
		 WHERE tenant_id = $1 AND namespace_id = $2 AND record_key = $3`,
		tenant, ns, driver.EncodeKey(key)).Scan(&value, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, driver.ErrNotFound
	}
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	if err := driver.VerifyRecord("pgreg", sc, key, value, sum); err != nil {
		return nil, err
	}
	return value, nil
}

// List implements [driver.Driver].
func (d *Driver) List(ctx context.Context, sc driver.Scope, after *driver.Key, limit int) ([]driver.Entry, error) {
	const op = "pgreg: list"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	tenant, ns := ids(sc)
	from := []byte{} // every key is longer than this, so "> from" is "from the start"
	if after != nil {
		from = driver.EncodeKey(*after)
	}
	rows, err := d.pool.Query(ctx,
		`SELECT record_key, record_json, checksum FROM dg_schema_records
		 WHERE tenant_id = $1 AND namespace_id = $2 AND record_key > $3
		 ORDER BY record_key LIMIT $4`,
		tenant, ns, from, limit)
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	return driver.ScanEntries(rows, "pgreg", op, sc, func(err error) error { return d.classify(ctx, op, err) })
}

// Count implements [driver.Driver].
func (d *Driver) Count(ctx context.Context, sc driver.Scope) (uint64, error) {
	const op = "pgreg: count"
	if err := d.begin(ctx, op); err != nil {
		return 0, err
	}
	tenant, ns := ids(sc)
	var n uint64
	err := d.pool.QueryRow(ctx,
		`SELECT count(*) FROM dg_schema_records WHERE tenant_id = $1 AND namespace_id = $2`,
		tenant, ns).Scan(&n)
	if err != nil {
		return 0, d.classify(ctx, op, err)
	}
	return n, nil
}

// Close implements [driver.Driver]. It waits for calls in flight to return
// their connections.
func (d *Driver) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	d.pool.Close()
	return nil
}

var _ driver.Driver = (*Driver)(nil)
