// Package store is the portable run-state store: the one type the engine,
// the server and the admin CLI hold, over any backend that implements
// [driver.Store] (memstore, boltstore, sqlitestore, pgstore).
//
// # What it stores
//
// Every save of a run appends a new version holding the canonical JSON
// (RFC 8785, host/internal/canonjson) of the whole [scenario.RunState],
// with its SHA-256 beside it; versions are never rewritten, and
// [Options.MaxVersions] (run_state_store.max_versions) prunes the oldest in
// the same write. Defined scenario specs are stored the same way, once per
// scenario id, so the checksum of a stored spec is its spec hash; the
// engine stores a spec before it becomes visible and loads stored specs on
// restart ([engine.Engine.Restore]). The reference server keeps specs in
// memory only, so there a restart loses every definition.
//
// # Integrity
//
// Every read recomputes the blob's SHA-256 and compares it with the stored
// one; a mismatch, or a blob that does not decode to the run or scenario it
// is stored under, is errcode.DataLoss and is never decoded or served. A
// damaged run therefore stops accepting triggers instead of continuing
// from a state nobody wrote. [Store.Verify] walks every stored version and
// spec (the CLI's "store verify").
//
// # Cache
//
// A Store keeps the decoded state of the runs it last read or wrote, keyed
// by version and checksum. [Store.LoadCached] hands a copy out with no I/O
// for calls that save (the save's version check confirms it was the
// latest); [Store.Load] skips decoding when the verified blob is the cached
// version and, with a [driver.LatestLoader], skips reading the blob. A
// server that holds a run it wrote itself therefore continues from its own
// copy of that version even if the stored bytes were damaged since; the
// damage is reported by the next read that reaches the backend (another
// replica, a restart, a historical version) and by [Store.Verify].
//
// # Durability
//
// When Create, Save or PutSpec returns nil the write is durable (backends
// may group concurrent writes into one transaction, but each call returns
// only after its own commit). The engine reports a decision only after its
// save returned nil, so an acknowledged decision survives a crash.
//
// # Concurrency
//
// A [Store] is safe for concurrent use. Saves are optimistic: Save over a
// version that is no longer the latest fails with errcode.Conflict, so two
// engines sharing one database never overwrite each other's decisions.
//
// # Lifetime
//
// [New] takes ownership of its driver; [Store.Close] closes it and is
// idempotent. Backend constructors (boltstore.Open, sqlitestore.Open)
// return a ready *Store.
package store
