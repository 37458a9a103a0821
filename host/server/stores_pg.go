package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/pgreg"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/pgstore"
)

// pgConnectTimeout bounds connecting to PostgreSQL and creating the tables
// when a store opens.
const pgConnectTimeout = 30 * time.Second

// openPostgresRunStore opens [run_state_store] type = "postgres". Several
// servers may point at one database: they then share runs and scenario
// definitions, and the store's optimistic versions make them decide as one
// (see package pgstore).
func openPostgresRunStore(rs config.RunStateStore, so store.Options, log *slog.Logger) (*store.Store, error) {
	dsn, err := postgresDSN(rs.Postgres, "run_state_store")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgConnectTimeout)
	defer cancel()
	st, err := pgstore.Open(ctx, dsn, &pgstore.Options{MaxConns: int32(rs.MaxConns), Store: so})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describePostgres(rs.Postgres), err)
	}
	if log != nil {
		log.Info("run state store on postgres", postgresAttrs(rs.Postgres)...)
	}
	return st, nil
}

// openPostgresRegistry opens [schema_registry] type = "postgres".
func openPostgresRegistry(sr config.SchemaRegistry) (*pgreg.Driver, error) {
	dsn, err := postgresDSN(sr.Postgres, "schema_registry")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgConnectTimeout)
	defer cancel()
	d, err := pgreg.Open(ctx, dsn, &pgreg.Options{MaxConns: int32(sr.MaxConns)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describePostgres(sr.Postgres), err)
	}
	return d, nil
}

// postgresDSN builds the connection string of a postgres store: the value
// of dsn_env, or a keyword/value string from host, port, database, user,
// sslmode and the password in password_env. Errors name the variables,
// never their values.
func postgresDSN(pg config.Postgres, key string) (string, error) {
	if pg.DSNEnv != "" {
		dsn := os.Getenv(pg.DSNEnv)
		if strings.TrimSpace(dsn) == "" {
			return "", errcode.New(errcode.FailedPrecondition, "%s.dsn_env: environment variable %s is not set or empty", key, pg.DSNEnv)
		}
		return dsn, nil
	}
	port := pg.Port
	if port == 0 {
		port = 5432
	}
	sslmode := pg.SSLMode
	if sslmode == "" {
		sslmode = "verify-full"
	}
	parts := []string{
		"host=" + quoteConnValue(pg.Host),
		"port=" + strconv.FormatInt(port, 10),
		"dbname=" + quoteConnValue(pg.Database),
		"user=" + quoteConnValue(pg.User),
		"sslmode=" + quoteConnValue(sslmode),
	}
	if pg.PasswordEnv != "" {
		pw, ok := os.LookupEnv(pg.PasswordEnv)
		if !ok || pw == "" {
			return "", errcode.New(errcode.FailedPrecondition, "%s.password_env: environment variable %s is not set or empty", key, pg.PasswordEnv)
		}
		parts = append(parts, "password="+quoteConnValue(pw))
	}
	return strings.Join(parts, " "), nil
}

// quoteConnValue quotes a libpq keyword/value value: single quotes, with
// backslash and single quote escaped by a backslash.
func quoteConnValue(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// postgresAttrs describes a postgres store for the log without its
// credentials: the variable names, the host and the database.
func postgresAttrs(pg config.Postgres) []any {
	if pg.DSNEnv != "" {
		return []any{"dsn_env", pg.DSNEnv, "max_conns", pg.MaxConns}
	}
	return []any{"host", pg.Host, "port", pg.Port, "database", pg.Database, "user", pg.User,
		"sslmode", pg.SSLMode, "password_env", pg.PasswordEnv, "max_conns", pg.MaxConns}
}

// describePostgres is the store name used in error messages.
func describePostgres(pg config.Postgres) string {
	if pg.DSNEnv != "" {
		return "$" + pg.DSNEnv
	}
	return fmt.Sprintf("%s:%d/%s", pg.Host, pg.Port, pg.Database)
}
