package compare

import (
	"bytes"
	"encoding/json"

	"github.com/decision-gate/dgw/host/evidence"
)

// Evaluate applies comparator c to the evidence value v and the expected
// value, and returns the condition's tri-state status.
//
// v nil means the evidence has no value; expected nil, empty or the JSON
// literal null means the condition has no expected value (null and absent
// are the same on input). exists and not_exists look only at whether v is
// present; every other comparator is Unknown when either side is absent,
// malformed, or of a type the comparator does not handle. The rules are
// listed in the package documentation.
//
//	status := compare.Evaluate(evidence.Equals, evidence.JSONOf([]byte(`200`)), []byte(`200`))
//	// status == evidence.True
//
// Evaluate never panics, does not retain or modify its arguments, and is
// safe for concurrent use.
func Evaluate(c evidence.Comparator, v *evidence.Value, expected json.RawMessage) evidence.TriState {
	switch c {
	case evidence.Exists:
		return evidence.Of(v != nil)
	case evidence.NotExists:
		return evidence.Of(v == nil)
	}
	if v == nil || !c.Valid() {
		return evidence.Unknown
	}
	e := parseValue(expected)
	if e.kind == kindInvalid || e.kind == kindNull {
		// Absent, null (which means absent), or malformed.
		return evidence.Unknown
	}
	switch v.Kind {
	case evidence.BytesValue:
		return evalBytes(c, v.Bytes, e)
	case evidence.JSONValue:
	default:
		return evidence.Unknown
	}
	raw := v.JSON
	if len(raw) == 0 {
		raw = jsonNull
	}
	a := parseValue(raw)
	if a.kind == kindInvalid {
		return evidence.Unknown
	}
	switch {
	case c == evidence.Equals:
		return evalEquals(a, e)
	case c == evidence.NotEquals:
		return evalEquals(a, e).Not()
	case c.IsOrdering():
		return evalOrdering(c, a, e)
	case c.IsLex():
		return evalLex(c, a, e)
	case c == evidence.Contains:
		return evalContains(a, e)
	case c == evidence.InSet:
		return evalInSet(a, e)
	case c.IsDeep():
		if a.kind != e.kind || (a.kind != kindArray && a.kind != kindObject) {
			return evidence.Unknown
		}
		eq := jsonEqual(a, e)
		if c == evidence.DeepNotEquals {
			eq = !eq
		}
		return evidence.Of(eq)
	}
	return evidence.Unknown
}

var jsonNull = []byte("null")

// evalBytes compares bytes evidence with an expected array of integers
// 0..255. Only equals and not_equals are defined; a malformed expected
// value is Unknown for every comparator.
func evalBytes(c evidence.Comparator, got []byte, e value) evidence.TriState {
	if e.kind != kindArray {
		return evidence.Unknown
	}
	it := newElems(e.raw)
	n := 0
	same := true
	for {
		el, ok := it.next()
		if !ok {
			break
		}
		if el.kind != kindNumber {
			return evidence.Unknown
		}
		num, ok := parseNumber(el.raw)
		if !ok || num.float || num.neg || num.mag > 255 {
			return evidence.Unknown
		}
		if n >= len(got) || got[n] != byte(num.mag) {
			same = false
		}
		n++
	}
	same = same && n == len(got)
	switch c {
	case evidence.Equals:
		return evidence.Of(same)
	case evidence.NotEquals:
		return evidence.Of(!same)
	}
	return evidence.Unknown
}

// evalEquals is equals: decimal equality for two numbers, JSON equality
// otherwise (a type mismatch is False).
func evalEquals(a, e value) evidence.TriState {
	if a.kind == kindNumber && e.kind == kindNumber {
		if bytes.Equal(a.raw, e.raw) {
			return evidence.True // the same literal is the same decimal
		}
		na, ok1 := parseNumber(a.raw)
		ne, ok2 := parseNumber(e.raw)
		if !ok1 || !ok2 {
			return evidence.Unknown
		}
		return evidence.Of(cmpDecimal(na, ne) == 0)
	}
	return evidence.Of(jsonEqual(a, e))
}

// holds reports whether the ordering comparator c holds for a result of
// comparing evidence with expected (-1, 0 or +1).
func holds(c evidence.Comparator, cmp int) bool {
	switch c {
	case evidence.GreaterThan, evidence.LexGreaterThan:
		return cmp > 0
	case evidence.GreaterThanOrEqual, evidence.LexGreaterThanOrEqual:
		return cmp >= 0
	case evidence.LessThan, evidence.LexLessThan:
		return cmp < 0
	}
	return cmp <= 0 // less_than_or_equal, lex_less_than_or_equal
}

// evalOrdering orders two numbers as decimals, or two strings as RFC 3339
// date-times or as dates.
func evalOrdering(c evidence.Comparator, a, e value) evidence.TriState {
	switch {
	case a.kind == kindNumber && e.kind == kindNumber:
		na, ok1 := parseNumber(a.raw)
		ne, ok2 := parseNumber(e.raw)
		if !ok1 || !ok2 {
			return evidence.Unknown
		}
		return evidence.Of(holds(c, cmpDecimal(na, ne)))
	case a.kind == kindString && e.kind == kindString:
		var ba, be [64]byte
		cmp, ok := cmpTemporal(a.str(ba[:0]), e.str(be[:0]))
		if !ok {
			return evidence.Unknown
		}
		return evidence.Of(holds(c, cmp))
	}
	return evidence.Unknown
}

// evalLex orders two strings by their UTF-8 bytes, which is Unicode scalar
// value order.
func evalLex(c evidence.Comparator, a, e value) evidence.TriState {
	if a.kind != kindString || e.kind != kindString {
		return evidence.Unknown
	}
	var ba, be [64]byte
	return evidence.Of(holds(c, bytes.Compare(a.str(ba[:0]), e.str(be[:0]))))
}

// evalContains is a substring test for two strings, and for two arrays a
// test that every element of expected is an element of the evidence.
func evalContains(a, e value) evidence.TriState {
	switch {
	case a.kind == kindString && e.kind == kindString:
		var ba, be [64]byte
		return evidence.Of(bytes.Contains(a.str(ba[:0]), e.str(be[:0])))
	case a.kind == kindArray && e.kind == kindArray:
		want := newElems(e.raw)
		for {
			w, ok := want.next()
			if !ok {
				return evidence.True
			}
			if !arrayHas(a, w) {
				return evidence.False
			}
		}
	}
	return evidence.Unknown
}

// evalInSet is membership of a scalar evidence value in an expected array.
func evalInSet(a, e value) evidence.TriState {
	if e.kind != kindArray || a.kind == kindArray || a.kind == kindObject {
		return evidence.Unknown
	}
	return evidence.Of(arrayHas(e, a))
}

// arrayHas reports whether the array arr has an element JSON-equal to x.
func arrayHas(arr, x value) bool {
	it := newElems(arr.raw)
	for {
		el, ok := it.next()
		if !ok {
			return false
		}
		if jsonEqual(el, x) {
			return true
		}
	}
}
