// Package compare evaluates condition comparators and checks conditions
// against the strict comparator profile, exactly as the reference Decision
// Gate server does.
//
// [Evaluate] turns one evidence value and one expected value into an
// [evidence.TriState]; it is the engine's hot path. [CheckCondition] and
// [CheckShapeCondition] apply strict validation (profile strict_core_v1)
// when a scenario is defined or prechecked; [SchemaTypeClasses],
// [SchemaAllowances] and [AllowanceFor] expose the schema analysis and the
// allowance matrix behind it.
//
// The package imports only host/evidence and the standard library. JSON
// Schema validation is passed in as a function, so that the compiled
// schema cache stays in host/provider.
//
// # Comparator rules
//
// Let v be the evidence value and e the expected value.
//
//   - exists / not_exists: whether v is present (a JSON null value is
//     present). e is ignored.
//   - Every other comparator is Unknown when v or e is absent. e given as
//     JSON null is absent, because the reference decodes expected:null as
//     a missing value.
//   - Bytes evidence: e must be an array of integers 0..255, else Unknown;
//     equals / not_equals compare the bytes, anything else is Unknown.
//   - equals / not_equals: two numbers compare as decimals (10 == 10.0,
//     1e2 == 100); other values by JSON equality, where a type mismatch is
//     not equal.
//   - greater_than, greater_than_or_equal, less_than, less_than_or_equal:
//     two numbers as decimals; two strings as RFC 3339 instants if both
//     are date-times, else as dates if both are Y-M-D dates; else Unknown.
//   - lex_*: two strings by Unicode scalar order (UTF-8 byte order).
//   - contains: substring for two strings; for two arrays, every element of
//     e is an element of v. Else Unknown.
//   - in_set: e must be an array and v a scalar (not an array or object);
//     True when v equals an element.
//   - deep_equals / deep_not_equals: two arrays or two objects compare
//     structurally. Else Unknown.
//
// Malformed JSON, and JSON the reference's decoder refuses (invalid UTF-8,
// lone surrogate escapes, numbers beyond the float64 range, nesting deeper
// than 128), makes every comparator but exists / not_exists Unknown.
//
// # Numbers
//
// The reference holds numbers as serde_json does without its
// arbitrary_precision feature, and this package copies that model: a
// literal without '.', 'e' or 'E' that fits u64 (or i64 when negative) is
// an exact integer; any other literal, including "-0" and integers out of
// range, is the nearest float64.
//
// "JSON equality" (in_set, contains, deep_*, and equals on non-numbers) is
// serde_json's: integers compare exactly, floats by value, and an integer
// never equals a float, so 1 != 1.0 there.
//
// The decimal comparison of equals and the orderings is that of the
// reference's big decimals, built from each number's serde_json text: the
// exact integer, or the shortest decimal that round-trips the float64. So
// 0.1 == 0.1000000000000000055 (both are the float64 0.1), and two
// integers beyond u64 that round to the same float64 are equal. Decimals
// from the literal text would differ from the reference exactly there.
//
// # Dates and times
//
// RFC 3339 date-times follow the Rust time crate (0.3.46) the reference
// uses: any single byte may separate date and time ('T', 't', a space…),
// 'Z' may be lower case, the fraction may have any number of digits (past
// nine they are ignored), offsets go up to ±23:59. A leap second
// (ss = 60) is accepted only at 23:59:60 UTC on the last day of a month
// and stands for 23:59:59.999999999; elsewhere it makes the string not a
// date-time. Plain dates split on '-' into three decimal fields (each with
// an optional '+', any number of digits) and must name a real day of
// years 0..9999. A date-time never compares with a plain date.
//
// # Concurrency
//
// Every function is safe for concurrent use and keeps no state.
package compare
