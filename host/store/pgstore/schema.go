package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/decision-gate/dgw/host/errcode"
)

// layout is the table layout version kept in dg_store_meta.
const layout = 1

// migrateLock is the advisory lock key that serialises table creation
// among servers starting together ("dgstore" in ASCII).
const migrateLock int64 = 0x64677374_6f7265

// createTables returns the statements that create the tables. blobCompression
// is a COMPRESSION clause for the blob columns, or "".
func createTables(blobCompression string) []string {
	return []string{
		// One row per run: the latest version and the oldest one kept.
		// Rows are never deleted; latest only grows.
		`CREATE TABLE IF NOT EXISTS dg_runs (
			run_key bytea  PRIMARY KEY,
			latest  bigint NOT NULL CHECK (latest >= 1),
			oldest  bigint NOT NULL CHECK (oldest >= 1 AND oldest <= latest)
		)`,
		// Every kept version of every run, written once, deleted only by
		// pruning.
		`CREATE TABLE IF NOT EXISTS dg_run_versions (
			run_key  bytea  NOT NULL,
			version  bigint NOT NULL,
			blob     bytea  ` + blobCompression + ` NOT NULL,
			checksum bytea  NOT NULL,
			PRIMARY KEY (run_key, version)
		)`,
		// Scenario definitions, written once, never replaced.
		`CREATE TABLE IF NOT EXISTS dg_specs (
			scenario_id bytea PRIMARY KEY,
			blob        bytea ` + blobCompression + ` NOT NULL,
			checksum    bytea NOT NULL
		)`,
	}
}

// blobCompression picks lz4 for the blob columns when the server was built
// with it (PostgreSQL 14 and later list it among default_toast_compression's
// values): a run-state version is tens of kilobytes of JSON, compressed on
// every save and decompressed on every load, and lz4 costs the server a
// fraction of the CPU of the default pglz for a similar size.
func blobCompression(ctx context.Context, tx pgx.Tx) (string, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_settings
		WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`).Scan(&ok)
	if err != nil || !ok {
		return "", err
	}
	return "COMPRESSION lz4", nil
}

// migrate creates the tables in a new database and refuses one with a newer
// layout. It holds an advisory lock for the whole transaction, so servers
// starting together do not race CREATE TABLE (which is not safe to run
// concurrently even with IF NOT EXISTS).
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS dg_store_meta (
			singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
			layout    integer NOT NULL
		)`); err != nil {
			return err
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT layout FROM dg_store_meta`).Scan(&v)
		switch {
		case err == nil && v > layout:
			return errcode.New(errcode.FailedPrecondition, "pgstore: database layout %d is newer than %d", v, layout)
		case err == nil && v == layout:
			return nil
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		compression, err := blobCompression(ctx, tx)
		if err != nil {
			return err
		}
		for _, stmt := range createTables(compression) {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO dg_store_meta (layout) VALUES ($1)
			ON CONFLICT (singleton) DO UPDATE SET layout = EXCLUDED.layout`, layout)
		return err
	})
}
