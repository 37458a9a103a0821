// Package pgreg is the PostgreSQL schema-registry backend
// (schema_registry.type = "postgres"), on github.com/jackc/pgx/v5 and its
// connection pool.
//
// # Layout
//
// Three tables, created on first [Open] and shared by every server that
// points at the database:
//
//   - dg_schema_records, keyed by (tenant_id, namespace_id, record_key)
//     where record_key is [driver.EncodeKey] as bytea, so ORDER BY
//     record_key is the listing order (bytea compares as bytes). record_json
//     holds the record's canonical JSON as bytea (never jsonb, which would
//     not keep the bytes) and checksum its lowercase hex SHA-256; every read
//     recomputes the digest and reports a mismatch as errcode.DataLoss
//     instead of serving the row. schema_id and version are not repeated
//     as text columns: PostgreSQL text cannot hold the NUL characters that
//     ids may contain. encode(record_key, 'escape') shows them.
//   - dg_schema_scopes, one row per (tenant, namespace) that has had a
//     registration under a limit: the row writers lock (see Concurrency).
//   - dg_registry_meta, one row holding the layout version; a database
//     with a newer layout is refused with errcode.FailedPrecondition.
//
// Tenant and namespace ids are u64 and PostgreSQL's bigint is i64: ids are
// stored as the i64 with the same bits, which keeps them distinct.
//
// # Concurrency
//
// [Driver] is safe for concurrent use, and any number of processes may
// share a database. Key uniqueness is the primary key. A registration under
// a count limit is one transaction that first locks the scope's row in
// dg_schema_scopes (an upsert, so the row need not exist), then counts and
// inserts: writers to one scope queue on that row lock whichever process
// they run in, and each one counts after the previous one committed, so
// max_entries holds exactly. Writers to different scopes do not wait for
// each other. Creating the tables is serialised with an advisory lock, so
// replicas may start together.
//
// # Errors
//
// Besides the driver contract's codes: an unreachable or restarting server,
// a dropped connection, too many connections and lock or serialisation
// failures are errcode.Unavailable. Error texts never contain the
// connection string's password.
package pgreg
