// Package abi is the wire contract between the Decision Gate host and a
// provider module compiled to WebAssembly: ABI version pv1.
//
// It is a contract, not a library. It names the ABI version, the import
// module, the exports a module must provide, the host functions it may
// import and the capability each one needs, the status codes host functions
// answer with, the size limits, and the JSON messages that cross the
// boundary. It imports the standard library only and builds for the host
// and for GOOS=wasip1.
//
// # Calls
//
// The host calls the module's exports ([ExportAlloc], [ExportFree],
// [ExportDescribe], [ExportQuery]); the module calls host functions in the
// [ImportModule] namespace. Bytes cross as (pointer, length) pairs in the
// module's own linear memory. A function that returns a buffer returns it
// packed into one i64 ([Pack], [Unpack]).
//
// # Messages
//
// Every message doc says who writes it and who reads it:
//
//   - [QueryRequest] (host → module) and [Response] (module → host) frame
//     one evidence query; the response carries a [Result] in the exact
//     evidence-result wire form.
//   - [Describe] (module → host) is the module's self-description; the host
//     turns it into a [ProviderContract] with [Describe.Contract].
//   - [FSReadRequest]/[FSReadResponse] and [HTTPFetchRequest]/
//     [HTTPFetchResponse] are the JSON bodies of the fs_read and http_fetch
//     host calls.
//
// # Versioning
//
// The ABI evolves by adding optional fields. A breaking change gets a new
// version, a new marker export and a new import-module name; the host
// serves the versions it knows and refuses the others.
//
// The full reference for module authors in any language is docs/wasm-abi.md.
package abi
