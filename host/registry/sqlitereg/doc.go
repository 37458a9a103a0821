// Package sqlitereg is the SQLite schema-registry backend
// (schema_registry.type = "sqlite"), on the pure-Go modernc.org/sqlite
// driver.
//
// # Layout
//
// One table, schema_records, keyed by (tenant_id, namespace_id, record_key)
// where record_key is [driver.EncodeKey] as a BLOB, so ORDER BY record_key
// is the listing order. record_json holds the record's canonical JSON and
// checksum its lowercase hex SHA-256; every read recomputes the digest and
// reports a mismatch as errcode.DataLoss instead of serving the row.
// schema_id and version are repeated as TEXT for people reading the file.
// PRAGMA user_version is the layout version.
//
// Tenant and namespace ids are u64 and SQLite integers are i64: ids are
// stored as the i64 with the same bits, which keeps them distinct.
//
// # Settings
//
// [Options] maps schema_registry.journal_mode (wal or delete),
// sync_mode (full or normal) and busy_timeout_ms onto connection pragmas.
//
// # Concurrency
//
// [Driver] is safe for concurrent use, and several processes may share a
// file. A registration is one BEGIN IMMEDIATE transaction that counts,
// checks and inserts, so max_entries and key uniqueness hold across
// connections; a writer that finds the database locked waits up to the busy
// timeout and then fails with errcode.Unavailable.
package sqlitereg
