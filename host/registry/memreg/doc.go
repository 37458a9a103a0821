// Package memreg is the in-memory schema-registry backend: fast,
// process-local, and gone when the process exits. It is the default
// (schema_registry.type = "memory").
//
// [Driver] is safe for concurrent use. Values are copied in and out, so
// callers never share memory with the store.
package memreg
