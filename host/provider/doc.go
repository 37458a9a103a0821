// Package provider defines what an evidence provider is ([Provider]), the
// capability contract that describes its checks ([Contract]), and the
// [Registry] that holds the providers of one server, keyed by provider id.
//
// Implementations live elsewhere: host/wasm runs providers as WebAssembly
// modules. The engine only sees this interface.
//
// # Concurrency
//
// A [Registry] is immutable once built and safe for concurrent use.
// Implementations of [Provider] must be safe for concurrent calls.
package provider
