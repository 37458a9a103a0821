// Package driver is the narrow interface a schema-registry backend
// implements, and the small vocabulary it shares with the portable
// [registry.Registry] type.
//
// A backend stores opaque values (the canonical JSON of a data-shape record)
// under a [Key] inside a [Scope]. It knows nothing about JSON Schema, signing,
// size limits, cursors or ACLs: the portable layer does all of that once, so
// every backend behaves the same and a new one (PostgreSQL, say) only has to
// get storage right.
//
// # Contract
//
//   - Every method but Close takes a context and returns promptly with a
//     coded error (see [errcode.Of]) when it is done.
//   - Errors are classified by the backend: [ErrNotFound], [ErrExists] and
//     [ErrFull] (or errors wrapping them) for the expected outcomes,
//     errcode.DataLoss when stored bytes fail an integrity check (such a value
//     is never returned), errcode.Unavailable for a closed, locked or
//     unreachable backend, and errcode.Internal for the rest.
//   - Values handed in and returned are never retained or shared: a backend
//     copies what it keeps and what it gives out.
//   - [Driver.Put] is atomic: the count limit and the uniqueness of the key
//     hold under any number of concurrent callers and, for shared databases,
//     processes.
//   - Keys are ordered by [Compare]: schema_id first, then version, both as
//     bytes. [EncodeKey] gives a byte string with the same order, for
//     backends whose indexes compare bytes.
//   - Close is idempotent; calls after Close fail with errcode.Unavailable.
//
// Implementations must be safe for concurrent use.
//
// The conformance suite in package registrytest checks all of this; every
// backend's tests run it.
//
// [registry.Registry]: https://pkg.go.dev/github.com/decision-gate/dgw/host/registry#Registry
package driver
