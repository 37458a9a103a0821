// Package boltreg is the bbolt (single-file, single-process) schema-registry
// backend.
//
// # Layout
//
// Each (tenant, namespace) has its own bucket, named "scope/<tenant>/<namespace>".
// Keys are [driver.EncodeKey] (schema_id, 0x00, version), so the bucket's
// byte order is the listing order. A value is the 32-byte SHA-256 of the
// record's canonical JSON followed by that JSON; every read recomputes the
// digest and reports a mismatch as errcode.DataLoss instead of serving the
// bytes. The "counts" bucket keeps each scope's record count (8 bytes,
// big-endian) for max_entries, and "meta" holds the format version.
//
// # Concurrency
//
// [Driver] is safe for concurrent use. Writes are bbolt read-write
// transactions (one at a time, each fsynced); reads run concurrently. bbolt
// locks the file for the process that opened it: a second process waits
// [Options.Timeout] and then fails with errcode.Unavailable.
package boltreg
