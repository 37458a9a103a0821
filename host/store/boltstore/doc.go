// Package boltstore is the embedded run-state backend
// (run_state_store.type = "bbolt"): one bbolt file, no server, no cgo. It
// is the default durable store of a single server process.
//
// # Layout
//
// Four buckets: "meta" (the layout version), "runs" (encoded run key →
// latest version, 8 bytes big-endian), "versions" (run key and version →
// 32-byte SHA-256 followed by the canonical JSON of that version) and
// "specs" (scenario id → SHA-256 followed by the canonical JSON of the
// spec). Run keys are [driver.EncodeKey] in "runs"; in "versions" the run
// id is length-prefixed so that one run's versions form a contiguous,
// version-ordered range. Nothing is ever overwritten: a save adds a
// version and moves the latest pointer in the same transaction.
//
// # Durability
//
// Every write transaction is fsynced before it returns (bbolt's default;
// NoSync is never set). Concurrent writes are grouped into one
// transaction (package host/store/internal/groupcommit): a writer that
// arrives while a commit runs joins the next one, so one fsync covers a
// whole group while a lone writer still commits at once. Each write still
// returns only after its own transaction is on disk.
//
// # Processes
//
// bbolt takes an exclusive lock on the file: a second process opening it
// waits [Options.Timeout] and then fails with errcode.Unavailable rather
// than hang. Several server replicas therefore cannot share one bbolt
// file; use sqlite or postgres for that.
//
// # Integrity
//
// bbolt keeps no checksums of its data pages. The portable [store.Store]
// verifies each blob's SHA-256 on every read, and this package reports
// values too short to carry one, or a damaged latest-version pointer, as
// errcode.DataLoss.
//
// [store.Store]: https://pkg.go.dev/github.com/decision-gate/dgw/host/store#Store
package boltstore
