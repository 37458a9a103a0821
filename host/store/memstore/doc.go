// Package memstore is the in-memory run-state store: fast, process-local,
// and gone on restart (run_state_store.type = "memory").
//
// It has two faces:
//
//   - [Store] (from [New]) implements [engine.RunStore] directly and hands
//     the engine the stored pointer without encoding anything. The server
//     uses it for memory mode; it keeps no versions and no specs.
//   - [Driver] (from [NewDriver]) implements [driver.Store], keeping every
//     version as bytes like a durable backend does, for use under
//     [store.Store] in tests, examples and benchmarks.
//
// Both are safe for concurrent use; neither keeps anything after the
// process exits.
//
// [store.Store]: https://pkg.go.dev/github.com/decision-gate/dgw/host/store#Store
package memstore
