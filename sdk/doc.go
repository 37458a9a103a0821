// Package sdk is what a Decision Gate provider module imports. A provider is
// a Go main package built to WebAssembly as a reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o provider.wasm .
//
// It registers one [Provider] from init() (a reactor never runs main), and
// the sdk's exports (pv_describe, pv_query, …) dispatch to it. The sdk hides
// the pv1 ABI: pointers, memory ownership, JSON envelopes and status codes.
//
// # Checks
//
// Each [Check] has a Run function that receives a [Call] (check id, params,
// the run's context and the operator's config block) and returns a
// [Result]. A Result carries the evidence value, an in-band error the
// provider understands (a missing file), the evidence reference, anchor and
// content type. A returned Go error means the provider failed; the host
// reports it as a provider error with the error text, cut to 512 bytes.
//
// Time comes from [Context].TriggerTime, never from a clock: results must
// be reproducible from the run record.
//
// # Host capabilities
//
// [Log], [EnvGet], [FSRead] and [HTTPFetch] call the host. Each needs a
// capability that the provider's signed manifest requests and the operator
// grants (log/v1, env/v1/get, fs/v1/read, http/v1/fetch). A module that calls
// one of them imports the matching host function and does not load unless
// the capability is granted; a target outside the grant (an env var not on
// the allowlist, a host not allowed) is answered with [ErrDenied].
//
// # Testing
//
// Outside wasip1, [SetTestHost] installs a fake host and [Query] runs a
// check through the same envelope encoding the Wasm export uses, so a
// provider's logic is tested with plain go test.
//
// # Concurrency
//
// A module instance runs one query at a time, so Run functions need no
// locking inside Wasm. [Query] under go test may be called concurrently if
// the provider's checks allow it.
package sdk
