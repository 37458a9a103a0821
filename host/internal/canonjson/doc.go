// Package canonjson is the project's single encoder for bytes that are
// hashed or signed: it turns JSON into its RFC 8785 (JSON Canonicalization
// Scheme, JCS) form, byte for byte the way the reference implementation
// (Rust serde_json values serialised with JCS) does.
//
// Spec hashes, evidence hashes, packet and receipt hashes, tool-call
// request and response hashes, provider contract hashes and every runpack
// file are SHA-256 digests of canonical JSON. A single differing byte
// changes the digest and breaks parity with runpacks and hashes produced by
// the reference, so nothing else in the product may produce such bytes.
//
// # Entry points
//
//   - [Transform] canonicalises one JSON document; [AppendTransform] does the
//     same into a caller-owned buffer.
//   - [Marshal] encodes a Go value with encoding/json (HTML escaping off) and
//     canonicalises the result; [SHA256] hashes that.
//   - [SHA256Bytes] is the lowercase hex digest of raw bytes.
//
// All functions are safe for concurrent use.
//
// # Numbers
//
// RFC 8785 treats every number as an IEEE 754 double. The reference does
// not: serde_json keeps a literal without '.', 'e' or 'E' as an exact
// integer when it fits u64 (or i64 when negative), and only other literals
// become f64. This package follows the reference, because that is what the
// published hashes were computed with:
//
//   - an integer literal in the u64/i64 range is copied exactly, so
//     18446744073709551615 and 9007199254740993 survive unchanged (a plain
//     JCS library would print 18446744073709552000 and 9007199254740992);
//     "-0" prints as "0";
//   - every other literal is parsed as float64 (round to nearest; overflow to
//     ±Inf is an error) and printed like ECMAScript's Number.prototype.toString:
//     the shortest digits that round-trip, plain notation for magnitudes in
//     [1e-6, 1e21) and exponent notation ("1e+21", "1e-7") outside it. So
//     1.0 prints as 1, 1e2 as 100, -0.0 as 0, and an integer literal beyond
//     u64 such as 1e22 or 10000000000000000000000 as 1e+22.
//
// NaN and Infinity are not JSON and are rejected.
//
// # Strings
//
// Escapes in the input are decoded (a \u surrogate pair becomes one
// character). Raw control characters are errors, as in serde_json; lone
// surrogates and invalid UTF-8 are errors because no Rust String can hold
// them. Output escapes only what
// JCS requires: \" \\ \b \f \n \r \t, and \u00xx with lower-case hex for the
// remaining characters below U+0020. Everything else, including '/', '<',
// '>', '&', U+2028 and U+2029, is raw UTF-8. encoding/json escapes some of
// these by default, which is why [Marshal] turns HTML escaping off and then
// re-canonicalises.
//
// # Objects
//
// Members are sorted by their decoded keys compared as UTF-16 code units.
// That differs from byte (code-point) order only when a character in
// U+E000..U+FFFF is compared with one above U+FFFF: UTF-16 puts the
// supplementary character first. Duplicate keys are an error: the
// reference either rejects them (typed structs) or keeps only the last one
// (untyped maps), and a digest must not depend on which.
//
// # Strictness and limits
//
// The parser accepts exactly one RFC 8259 value with optional surrounding
// whitespace: no comments, trailing commas, leading zeros, byte-order
// marks or trailing data. Nesting deeper than [MaxDepth] is an error rather
// than a stack overflow. Errors are [*Error] values naming the byte offset
// and wrapping [ErrSyntax], [ErrDuplicateKey], [ErrNumberRange] or
// [ErrTooDeep].
//
// # Performance
//
// Canonicalisation is on the path of every decision, so the parser is a
// single hand-written pass with no reflection. Scalars and arrays are
// written straight to the output; an object's members are written in
// input order and moved into key order only if they were not sorted
// already, using spans recorded during the pass. Scratch memory is pooled.
package canonjson
