// Package jsonstrict decodes untrusted JSON into Go values with the
// reference implementation's input rules and errors that name the JSON path:
//
//   - a field is required unless it is a pointer, carries `omitempty`, or is
//     tagged `dg:"optional"`; a required field that is missing or null is an
//     error ("$.stages[0].gates[1]: missing field `gate_id`");
//   - null for an optional field means absent;
//   - unknown fields are ignored (the reference never denies them);
//   - type mismatches name the path and the expected type;
//   - types with their own UnmarshalJSON/UnmarshalText are checked by calling
//     them, and their errors are prefixed with the path;
//   - input is limited to [MaxDepth] levels of nesting and must be a single
//     JSON value.
package jsonstrict
