// Package engine runs Decision Gate scenarios: it defines specs, starts
// runs, evaluates the current stage's gates against evidence on every
// trigger, records decisions, issues entry packets and keeps the tool-call
// log that runpacks export.
//
// # Determinism
//
// The engine reads no clock and draws no random numbers: every time comes
// from the request, every id from a counter ("decision-N", "call-N"). The
// same spec, requests and evidence give the same run state, byte for byte.
//
// # Dependencies
//
// The engine declares the small interfaces it consumes: [EvidenceSource]
// (implemented over the provider registry), [RunStore] (memory, bbolt,
// SQLite, PostgreSQL), and [DispatchPolicy]. It does no I/O of its own.
//
// # Persistence
//
// A call reports success only after the run store's Save returned nil, so
// with a durable store an acknowledged decision survives a crash. With
// Options.Specs the engine also stores every defined spec before it
// becomes visible (a define that cannot be stored fails), and
// [Engine.Restore] loads stored specs after a restart so runs continue
// without a new define. The reference keeps specs in memory only. Engines
// sharing one database see each other's definitions on a lookup miss
// (Options.BaseContext) and never overwrite each other's decisions: a save
// that lost an optimistic race is re-run from a fresh load.
//
// # Concurrency
//
// An [*Engine] is safe for concurrent use. Calls on one run are serialised
// by a per-run lock; calls on different runs proceed in parallel. A call
// that fails leaves the run exactly as it was: nothing is half-written.
// Engines in different processes sharing one database have no common lock:
// there the store's optimistic versions decide, and a call whose save lost
// the race is run again from a fresh load (see [MaxConflictRetries]).
//
// # Usage
//
//	eng := engine.New(source, memstore.New(), nil)
//	hash, err := eng.Define(ctx, spec)
//	state, err := eng.Start(ctx, cfg, evidence.AtLogical(1), false)
//	res, err := eng.Trigger(ctx, spec.ScenarioID, event)
package engine
