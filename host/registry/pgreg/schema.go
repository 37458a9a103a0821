package pgreg

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/decision-gate/dgw/host/errcode"
)

// layout is the table layout version kept in dg_registry_meta.
const layout = 1

// migrateLock is the advisory lock key that serialises table creation
// among servers starting together ("dgreg" in ASCII).
const migrateLock int64 = 0x6467726567

var createTables = []string{
	`CREATE TABLE IF NOT EXISTS dg_schema_records (
		tenant_id    bigint NOT NULL,
		namespace_id bigint NOT NULL,
		record_key   bytea  NOT NULL,
		record_json  bytea  NOT NULL,
		checksum     text   NOT NULL,
		PRIMARY KEY (tenant_id, namespace_id, record_key)
	)`,
	`CREATE TABLE IF NOT EXISTS dg_schema_scopes (
		tenant_id    bigint NOT NULL,
		namespace_id bigint NOT NULL,
		PRIMARY KEY (tenant_id, namespace_id)
	)`,
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
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS dg_registry_meta (
			singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
			layout    integer NOT NULL
		)`); err != nil {
			return err
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT layout FROM dg_registry_meta`).Scan(&v)
		switch {
		case err == nil && v > layout:
			return errcode.New(errcode.FailedPrecondition, "pgreg: database layout %d is newer than %d", v, layout)
		case err == nil && v == layout:
			return nil
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		for _, stmt := range createTables {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO dg_registry_meta (layout) VALUES ($1)
			ON CONFLICT (singleton) DO UPDATE SET layout = EXCLUDED.layout`, layout)
		return err
	})
}
