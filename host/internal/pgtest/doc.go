// Package pgtest gives PostgreSQL-backed tests a database of their own.
//
// Tests call [DSN], which reads the server to use from the environment
// variable DG_TEST_POSTGRES_DSN (a libpq connection string or URL naming a
// role allowed to CREATE DATABASE), creates a fresh database
// dg_test_<random> for the test, drops it when the test ends, and returns
// the connection string for it.
//
// # Without a server
//
// When DG_TEST_POSTGRES_DSN is unset, a test in CI (CI=true, or any value
// but "0" and "false") fails: CI must run the PostgreSQL tests, and a
// silent skip would hide that it did not. On a developer machine the test
// is skipped, and the first skip also prints a banner on stderr, so "ok"
// without -v does not pass for "tested".
// The repository's .ci/postgres.sh starts a throwaway server on
// 127.0.0.1:15432 and prints the export line:
//
//	eval "$(.ci/postgres.sh)"
//	go test -race ./host/store/pgstore ./host/registry/pgreg
//
// # How
//
// The database drivers may be imported only by the PostgreSQL backends
// (host/deps_test.go), so this package creates and drops databases with the
// psql client that ships with PostgreSQL, found on PATH or under
// /usr/lib/postgresql/*/bin. The connection string is passed to psql as
// given, so every libpq setting (sslmode, passwords, service files) works.
package pgtest
