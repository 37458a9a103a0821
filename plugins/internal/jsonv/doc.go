// Package jsonv is an ordered JSON value model for the built-in providers.
//
// The reference providers hold documents as serde_json values with insertion
// order preserved, and several observable results depend on that model: the
// order of JSONPath matches, which duplicate key wins, whether a number is an
// integer or a float, and which inputs are rejected at all. Package jsonv
// reproduces that model:
//
//   - [Parse] accepts exactly the JSON that serde_json's from_slice accepts:
//     strict RFC 8259 syntax, valid UTF-8, no lone surrogate escapes, at most
//     127 levels of nesting, and no float literal that overflows to infinity.
//   - Numbers keep their class: a literal without fraction or exponent is a
//     non-negative integer ([PosInt]) when it fits uint64, a negative integer
//     ([NegInt]) when it fits int64, and a [Float] otherwise ("-0" is the float
//     -0.0).
//   - Objects keep their first-insertion order; a repeated key replaces the
//     value in place.
//   - [Equal] is serde_json's value equality: numbers of different classes are
//     never equal, objects compare as unordered maps.
//
// [Append] writes a value as compact JSON with RFC 8785 string escaping; the
// host canonicalises results before hashing, so only the value matters.
//
// Values are not safe for concurrent mutation; a parsed value that is only
// read may be shared.
package jsonv
