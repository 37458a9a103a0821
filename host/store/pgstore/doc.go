// Package pgstore is the PostgreSQL run-state backend
// (run_state_store.type = "postgres"), on github.com/jackc/pgx/v5 and its
// connection pool. It is the backend for several server replicas sharing
// one database: they behave as one server because every write is decided
// by the database, never by a replica's memory.
//
// # Layout
//
// Four tables, created on first [Open] and shared by every server that
// points at the database:
//
//   - dg_runs: one row per run, keyed by [driver.EncodeKey] as bytea (bytea
//     compares as bytes, so the primary key is in [driver.Compare] order and
//     serves tenant and namespace ranges), with the latest version and the
//     oldest version kept.
//   - dg_run_versions: every kept version, keyed by (run_key, version), with
//     the canonical JSON of the run state as bytea (never jsonb, which
//     would not keep the bytes) and its 32-byte SHA-256.
//   - dg_specs: one row per scenario id (bytea, so any id sorts as bytes),
//     with the spec's canonical JSON and SHA-256; never replaced.
//   - dg_store_meta: the layout version; a database with a newer layout is
//     refused with errcode.FailedPrecondition.
//
// # Optimistic versions across processes
//
// An append is one statement: UPDATE dg_runs SET latest = prev+1 WHERE
// run_key = k AND latest = prev, and, only if that row moved, INSERT of the
// new version. Two replicas appending over the same prev queue on the row
// lock; when the first commits, the second's WHERE no longer matches, it
// inserts nothing and gets errcode.Conflict. The (run_key, version) primary
// key backs this up: no version number is ever stored twice. The engine
// answers a Conflict by reloading the run and deciding again, which
// replays the winner's decision for the same trigger id
// (host/engine/retry.go).
//
// With run_state_store.max_versions the same round trip also moves the
// oldest kept version and deletes the versions below it, in a second
// statement of the same pipelined batch (one implicit transaction): a
// statement reads from the snapshot taken when it began, and only one that
// begins after the row lock is held sees every version committed before.
//
// # Durability
//
// Each write commits before it returns, and the driver turns
// synchronous_commit back on in its sessions when the server, database or
// role set it to off, so an acknowledged decision is in the WAL on disk
// (stronger settings such as remote_apply are kept). The server's fsync
// setting is the operator's: with fsync = off nothing is durable.
//
// A write's context is honoured until the statement is sent. After that
// the write runs to completion under [Options.WriteTimeout]: canceling a
// sent commit could not tell whether it happened, and the driver contract
// promises that a write reported as canceled stored nothing. When the
// write timeout fires or the connection breaks mid-write, the outcome is
// unknown and the error is errcode.Unavailable; the next Load shows what
// was stored.
//
// # Integrity
//
// Checksums are stored as written and returned as read; the portable
// [store.Store] recomputes the SHA-256 of every blob it reads and reports
// a mismatch as errcode.DataLoss. This package reports rows it cannot
// read as records (a checksum that is not 32 bytes, a run whose latest
// version is missing, a malformed key) as errcode.DataLoss itself.
//
// # Errors
//
// Besides the driver contract's codes: an unreachable or restarting server,
// a dropped connection, too many connections and lock or serialisation
// failures are errcode.Unavailable. Error texts never contain the
// connection string's password.
//
// [store.Store]: https://pkg.go.dev/github.com/decision-gate/dgw/host/store#Store
package pgstore
