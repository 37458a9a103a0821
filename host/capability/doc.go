// Package capability decides what a provider module may touch: which
// environment variables, which files, which HTTP hosts, whether it may log
// or read the clock.
//
// # Grants
//
// A [Set] holds one grant per capability ([EnvGrant], [FSGrant],
// [HTTPGrant], [LogGrant], [ClockGrant]); a nil grant denies the capability
// and the zero Set denies everything. The operator writes grants
// ([ParseGrant]); a module's signed manifest requests capabilities
// ([ParseRequest]); the effective grant is the intersection of the two
// ([Intersect]), so neither side alone can widen what a module gets.
//
// # Checks
//
// Each check is a method of its grant and a pure function of it: no global
// lookup, no second code path. A check answers with an [abi.Status] carried
// by an [*Error], whose Detail is for the host's audit log and never reaches
// the module. The host functions in host/wasm call these methods and nothing
// else.
//
// # Concurrency
//
// Grants are immutable after construction and safe for concurrent use.
// [HTTPGrant.Fetch] builds a fresh transport per call and keeps no idle
// connections, so no goroutine outlives a call.
package capability
