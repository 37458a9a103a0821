package pgstore

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
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
)

// DefaultMaxConns is the pool size when Options leaves MaxConns 0
// (run_state_store.max_conns defaults to the same).
const DefaultMaxConns = 8

// DefaultWriteTimeout bounds one write once it has been sent.
const DefaultWriteTimeout = 30 * time.Second

// Options configures [Open] and [OpenDriver]. A nil *Options means all
// defaults.
type Options struct {
	// MaxConns caps the connections the driver keeps open; 0 means
	// DefaultMaxConns.
	MaxConns int32
	// WriteTimeout bounds a write after it was sent to the server, when
	// the caller's context no longer applies (see the package
	// documentation); 0 means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// Store configures the portable store that [Open] returns.
	Store store.Options
}

// Driver is a run-state backend over one PostgreSQL database. It is safe
// for concurrent use, also by several processes on one database; Close it
// when done.
type Driver struct {
	pool         *pgxpool.Pool
	writeTimeout time.Duration
	closed       atomic.Bool
}

// Open connects to the database named by dsn (a libpq keyword/value string
// or a postgres:// URL), creates the run-state tables if they are missing,
// and returns the portable store over it. Close the store when done.
//
//	st, err := pgstore.Open(ctx, os.Getenv("DG_PG_DSN"), &pgstore.Options{MaxConns: 16})
//	defer st.Close()
//	eng := engine.New(source, st, &engine.Options{Specs: st})
//
// # Errors
//
// As for [OpenDriver]; errcode.InvalidArgument for bad store options.
func Open(ctx context.Context, dsn string, opts *Options) (*store.Store, error) {
	d, err := OpenDriver(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	var so *store.Options
	if opts != nil {
		so = &opts.Store
	}
	return store.New(d, so)
}

// OpenDriver connects to the database named by dsn and creates the
// run-state tables if they are missing.
//
// # Errors
//
// errcode.InvalidArgument for a connection string that does not parse or a
// bad option (the message never repeats the string, which may hold a
// password); errcode.Unavailable when the server cannot be reached;
// errcode.FailedPrecondition for a database with a newer layout;
// errcode.Internal for other failures.
func OpenDriver(ctx context.Context, dsn string, opts *Options) (*Driver, error) {
	const op = "pgstore: open"
	if opts == nil {
		opts = &Options{}
	}
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
	d := &Driver{pool: pool, writeTimeout: DefaultWriteTimeout}
	if opts.WriteTimeout > 0 {
		d.writeTimeout = opts.WriteTimeout
	}
	return d, nil
}

// poolConfig parses dsn and applies opts.
func poolConfig(dsn string, opts *Options) (*pgxpool.Config, error) {
	if opts.MaxConns < 0 {
		return nil, fmt.Errorf("max_conns %d is negative", opts.MaxConns)
	}
	if opts.WriteTimeout < 0 {
		return nil, fmt.Errorf("write timeout %s is negative", opts.WriteTimeout)
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
	cfg.AfterConnect = requireSyncCommit
	return cfg, nil
}

// requireSyncCommit turns synchronous_commit back on for this session when
// the server (or role, or database) turned it off: with it off, a commit
// returns before its WAL is flushed, and an acknowledged decision could be
// lost in a crash. Stronger settings (remote_apply, …) are left alone.
func requireSyncCommit(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx,
		`SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'`)
	return err
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

// classify is the package classify, except that any failure after Close
// (a call that raced it) is [driver.ErrClosed].
func (d *Driver) classify(ctx context.Context, op string, err error) error {
	if err != nil && d.closed.Load() {
		return driver.ErrClosed
	}
	return pgerr.Classify(ctx, op, err)
}

// write runs one write statement on a connection acquired under ctx.
//
// Once the statement is sent, ctx no longer applies: canceling it then
// could not tell whether the commit happened, and the driver contract says
// that a write reporting canceled stored nothing. The statement instead
// runs under the driver's write timeout; when that fires, or the
// connection breaks, the outcome is unknown and reported as
// errcode.Unavailable, and the caller's next Load shows what happened.
func (d *Driver) write(ctx context.Context, op string, fn func(ctx context.Context, conn *pgxpool.Conn) error) error {
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
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.writeTimeout)
	defer cancel()
	err = fn(wctx, conn)
	if err == nil {
		return nil
	}
	var ce *errcode.Error
	if errors.As(err, &ce) {
		return errcode.Wrap(ce.Code, op, err)
	}
	var pe *pgconn.PgError
	if wctx.Err() == nil && (errors.As(err, &pe) || pgconn.SafeToRetry(err)) {
		// The server answered with an error, or nothing was sent: either
		// way nothing was stored.
		return d.classify(context.Background(), op, err)
	}
	return &errcode.Error{Code: errcode.Unavailable, Op: op,
		Err: fmt.Errorf("outcome unknown, reload to see whether it was stored: %w", err)}
}

// Close implements [driver.Store]. It waits for calls in flight to return
// their connections.
func (d *Driver) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	d.pool.Close()
	return nil
}

var (
	_ driver.Store        = (*Driver)(nil)
	_ driver.LatestLoader = (*Driver)(nil) // the conformance suite checks it only for drivers that have it
)
