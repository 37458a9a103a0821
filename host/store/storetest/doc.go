// Package storetest is the conformance suite and the benchmarks every
// run-state backend runs. A backend's test file is just
//
//	func TestConformance(t *testing.T) { storetest.Run(t, harness) }
//	func BenchmarkDurableDecision(b *testing.B) { storetest.BenchmarkDecision(b, harness) }
//
// The suite checks the [driver.Store] contract method by method (versions,
// conflicts, pruning, listing order and paging, specs, Close and
// contexts), then the portable [store.Store] over the backend (checksums,
// max_versions), then a real [engine.Engine] on top: concurrent triggers on
// one run from several goroutines and from two engines sharing the store
// (exactly one decision per trigger id, nothing lost), and spec
// persistence. Persistent backends also get reopen and corruption checks:
// bytes damaged behind the driver's back must be reported as
// errcode.DataLoss, never served.
//
// [RunEngine] runs the engine-level checks against any [engine.RunStore]
// (the in-memory store implements that interface directly).
//
// Randomised parts print their seed.
//
// [store.Store]: https://pkg.go.dev/github.com/decision-gate/dgw/host/store#Store
package storetest
