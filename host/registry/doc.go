// Package registry is the schema registry: the data shapes (JSON Schemas)
// that schemas_register, schemas_list and schemas_get manage and that
// precheck validates payloads against (spec §2.2, §7.4 to §7.6).
//
// # Main types
//
//   - [Record] is a data shape in its wire form (the reference's
//     DataShapeRecord).
//   - [Registry] is the portable type the tool layer holds. It runs the
//     registration checks in the reference's order, turns cursors and limits
//     into driver calls, verifies what backends return, and caches compiled
//     schemas. Storage is a [driver.Driver]: memreg, boltreg and sqlitereg
//     are the backends here.
//   - [ACL] decides register, list and get for a [Principal] (spec §7.5),
//     in builtin or custom mode. The tool layer calls it before the
//     registry, and fills the registry_audit event with [NewAuditFields].
//   - [Compile] and [Validate] are the one way the product compiles a JSON
//     Schema (draft 2020-12 by default, santhosh-tekuri/jsonschema) and
//     checks a payload against it.
//
// # Order of checks
//
// The tool layer runs the namespace check, then [ACL.Decide], then the
// Registry method. [Registry.Register] does the rest: signing presence,
// schema size, max_entries, compilation, then the atomic insert that also
// rejects duplicates. The order decides which error a request that breaks
// several rules gets, and it matches the reference.
//
// # Stored form
//
// A registered record's schema is kept in canonical JSON (RFC 8785, via the
// project's canonical encoder): keys sorted, whitespace removed, numbers
// normalised. Every backend therefore stores and returns the same bytes,
// and the max_schema_bytes limit applies to them. Records are immutable:
// there is no update or delete.
//
// # Safety
//
// Schemas are untrusted. Compilation never loads anything: a $ref that
// leaves the document (a file, a URL, another schema) is an invalid schema.
// Validation errors are capped in number, and stored records are checked
// for integrity on every read; a damaged record is reported as
// errcode.DataLoss and never served.
//
// # Concurrency
//
// [Registry], [ACL] and compiled schemas are safe for concurrent use. A
// Registry owns its driver; Close it once when done.
package registry
