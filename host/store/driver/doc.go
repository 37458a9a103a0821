// Package driver is the narrow interface a run-state backend implements,
// and the small vocabulary it shares with the portable [store.Store] type.
//
// A backend keeps append-only versions of opaque blobs (the canonical JSON
// of a run state) under a [scenario.RunKey], plus one immutable blob per
// scenario id (the canonical JSON of a defined spec). It knows nothing
// about JSON, run semantics, checksum verification or retention policy
// beyond what each method states: the portable layer encodes, hashes and
// verifies once, so every backend behaves the same and a new one only has
// to get storage right.
//
// # Contract
//
//   - Every method but Close takes a context and returns promptly with a
//     coded error (see [errcode.Of]) when it is done. A canceled context is
//     errcode.Canceled or errcode.DeadlineExceeded, and a write that
//     reports it stored nothing.
//   - Errors are classified by the backend: [ErrNotFound],
//     [ErrAlreadyExists] and [ErrConflict] (or errors wrapping them with
//     [errcode.Wrap]) for the expected outcomes; errcode.InvalidArgument
//     for arguments the contract rules out; errcode.DataLoss when stored
//     bytes are unreadable as a record (a damaged key or a checksum of the
//     wrong length); errcode.Unavailable for a closed, locked or
//     unreachable backend ([ErrClosed] after Close); errcode.Internal for
//     the rest.
//   - Checksums are written by the caller and returned verbatim: a backend
//     never recomputes, repairs or drops a [Checksum]. The portable layer
//     compares it with the blob on every read and reports a mismatch as
//     errcode.DataLoss, so a backend need not verify (it may, and then
//     returns errcode.DataLoss itself).
//   - Versions of a run are 1 for [Store.Create] and prev+1 for each
//     [Store.Append]; they are never reused, even after pruning. The
//     latest version is never pruned.
//   - A write that returns nil is durable: it survives a crash of the
//     process (and, with the backend's full-sync setting, of the machine).
//     Backends may group concurrent writes into one transaction (group
//     commit) as long as each call returns only after its own write is
//     durable, and a conflict or failure of one call does not change the
//     outcome of another.
//   - [Store.Create], [Store.Append] and [Store.PutSpec] are atomic with
//     respect to concurrent callers and, for shared databases, other
//     processes: of two appends on the same prev version exactly one wins.
//   - Blobs handed in and returned are never retained or shared: a backend
//     copies what it keeps and what it gives out.
//   - Runs are listed in [Compare] order: tenant, then namespace (as
//     unsigned integers), then run id (as bytes). [EncodeKey] yields a byte
//     string with that order for backends whose indexes compare bytes.
//   - Close is idempotent and waits for running calls; calls after Close
//     fail with errcode.Unavailable.
//   - Optionally, a backend where reading a blob is costly (a database
//     server) implements [LatestLoader]: the portable layer then asks for
//     the latest version only when it is not the version it already holds.
//
// Implementations must be safe for concurrent use.
//
// The conformance suite in package storetest checks all of this; every
// backend's tests run it.
//
// [store.Store]: https://pkg.go.dev/github.com/decision-gate/dgw/host/store#Store
package driver
