// Package sqlitestore is the SQLite run-state backend
// (run_state_store.type = "sqlite"), on the pure-Go modernc.org/sqlite
// driver.
//
// # Layout
//
// Three tables. runs maps run_key ([driver.EncodeKey] as a BLOB, so ORDER
// BY run_key is the listing order) to its latest_version, with tenant_id,
// namespace_id and run_id repeated for people reading the file.
// run_versions holds every kept version: (run_key, version) → state_json
// (the canonical JSON of the run state) and checksum (its lowercase hex
// SHA-256); rows are inserted and, when pruned, deleted, never updated.
// specs maps scenario_id to spec_json and checksum. PRAGMA user_version is
// the layout version; a file with a newer one is refused.
//
// Tenant and namespace ids are u64 and SQLite integers are i64: ids are
// stored as the i64 with the same bits.
//
// # Settings
//
// [Options] maps run_state_store.journal_mode (wal or delete), sync_mode
// (full or normal) and busy_timeout_ms onto connection pragmas in the DSN.
// With synchronous FULL every commit is fsynced before it returns.
//
// # Concurrency and group commit
//
// Writes go through one writer at a time per process: concurrent saves
// are grouped into a single BEGIN IMMEDIATE transaction (package
// host/store/internal/groupcommit), so one fsync covers the group while a
// lone save still commits at once; each save returns only after its own
// commit. Reads run on other connections in parallel (in WAL mode they
// never wait for the writer).
//
// Several processes (server replicas) may share one file: every write
// checks the run's latest version inside its IMMEDIATE transaction, so of
// two racing saves exactly one wins and the other gets errcode.Conflict. A
// writer that finds the database locked by another process waits up to the
// busy timeout and then fails with errcode.Unavailable.
//
// # Integrity
//
// The portable [store.Store] recomputes each blob's SHA-256 on every read;
// this package reports a checksum that is not 64 hex digits, a damaged
// key or a missing latest version as errcode.DataLoss.
//
// [store.Store]: https://pkg.go.dev/github.com/decision-gate/dgw/host/store#Store
package sqlitestore
