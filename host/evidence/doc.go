// Package evidence holds the wire types that providers, scenario specs and
// run records share: timestamps, hash digests, tenant and namespace ids, trust
// lanes, tri-state values, comparators, and the evidence query, context and
// result.
//
// # Wire form
//
// Every type marshals to the exact JSON of the reference Decision Gate
// implementation, because these bytes are hashed: field names are snake_case,
// tagged unions carry "kind", TriState is capitalised ("True"), byte arrays are
// JSON arrays of integers, and a field is emitted as null or left out exactly
// as the reference does. Fields tagged `dg:"optional"` may be absent on input.
//
// Arbitrary JSON (params, expected values, evidence values) is kept as the
// caller's literal bytes ([encoding/json.RawMessage]) so that numbers keep
// their exact text until they are canonicalised for hashing.
package evidence
