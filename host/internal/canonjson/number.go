package canonjson

import (
	"math"
	"strconv"
)

// Bounds of the integers that serde_json keeps exact (u64 and i64), as
// decimal digit strings without sign. Comparing digit strings of equal
// length byte-wise compares their values.
const (
	maxUint64Digits = "18446744073709551615"
	minInt64Digits  = "9223372036854775808"
)

// number appends the canonical form of the number literal starting at
// s.pos.
//
// Following serde_json's Number, a literal without fraction or exponent
// whose value fits u64 (or i64 when negative) is an integer and is copied
// exactly; "-0" becomes "0". Any other literal is parsed as float64 with
// round-to-nearest and printed the way ECMAScript prints a Number.
func (s *state) number(out []byte) ([]byte, error) {
	doc := s.doc
	start, i := s.pos, s.pos
	neg := i < len(doc) && doc[i] == '-'
	if neg {
		i++
	}
	intStart := i
	switch {
	case i < len(doc) && doc[i] == '0':
		i++
		if i < len(doc) && isDigit(doc[i]) {
			return out, syntaxErr(intStart, "leading zero in number")
		}
	case i < len(doc) && doc[i] >= '1' && doc[i] <= '9':
		i++
		for i < len(doc) && isDigit(doc[i]) {
			i++
		}
	default:
		return out, unexpected(doc, i, "digit in number")
	}
	intEnd := i
	float := false
	if i < len(doc) && doc[i] == '.' {
		i++
		if i >= len(doc) || !isDigit(doc[i]) {
			return out, unexpected(doc, i, "digit after decimal point")
		}
		for i < len(doc) && isDigit(doc[i]) {
			i++
		}
		float = true
	}
	if i < len(doc) && (doc[i] == 'e' || doc[i] == 'E') {
		i++
		if i < len(doc) && (doc[i] == '+' || doc[i] == '-') {
			i++
		}
		if i >= len(doc) || !isDigit(doc[i]) {
			return out, unexpected(doc, i, "digit in exponent")
		}
		for i < len(doc) && isDigit(doc[i]) {
			i++
		}
		float = true
	}
	s.pos = i
	lit := doc[start:i]
	if !float && fitsInteger(doc[intStart:intEnd], neg) {
		if neg && intEnd-intStart == 1 && doc[intStart] == '0' {
			return append(out, '0'), nil
		}
		return append(out, lit...), nil
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) {
		return out, &Error{Offset: start, Reason: "number " + clip(lit) + " overflows float64", Kind: ErrNumberRange}
	}
	return appendNumber(out, f), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// fitsInteger reports whether the digit string (no sign, no leading zero
// unless it is "0") lies within u64, or within i64 when neg is set.
func fitsInteger(digits []byte, neg bool) bool {
	limit := maxUint64Digits
	if neg {
		limit = minInt64Digits
	}
	switch {
	case len(digits) < len(limit):
		return true
	case len(digits) > len(limit):
		return false
	}
	return string(digits) <= limit
}

// clip shortens a long literal for an error message.
func clip(lit []byte) string {
	if len(lit) > 32 {
		return string(lit[:32]) + "..."
	}
	return string(lit)
}

// appendNumber appends f as ECMAScript's Number.prototype.toString would
// print it (ECMA-262 Number::toString with radix 10), which is the form
// RFC 8785 prescribes. f must be finite.
//
// strconv's shortest 'e' formatting gives the digits d1..dk and the
// exponent e of f = 0.d1..dk × 10^n with n = e+1; the ECMAScript rules then
// choose between plain integer, plain decimal and exponent notation.
func appendNumber(out []byte, f float64) []byte {
	if f == 0 {
		return append(out, '0') // both +0 and -0
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	if b[0] == '-' {
		out = append(out, '-')
		b = b[1:]
	}
	// b is "d[.ddd]e±xx": collect the digits and the exponent.
	var digits [24]byte
	k := 0
	i := 0
	for ; b[i] != 'e'; i++ {
		if b[i] != '.' {
			digits[k] = b[i]
			k++
		}
	}
	e := 0
	for _, c := range b[i+2:] {
		e = e*10 + int(c-'0')
	}
	if b[i+1] == '-' {
		e = -e
	}
	n := e + 1
	switch {
	case k <= n && n <= 21:
		out = append(out, digits[:k]...)
		for ; n > k; n-- {
			out = append(out, '0')
		}
	case 0 < n && n <= 21:
		out = append(out, digits[:n]...)
		out = append(out, '.')
		out = append(out, digits[n:k]...)
	case -6 < n && n <= 0:
		out = append(out, '0', '.')
		for ; n < 0; n++ {
			out = append(out, '0')
		}
		out = append(out, digits[:k]...)
	default:
		out = append(out, digits[0])
		if k > 1 {
			out = append(out, '.')
			out = append(out, digits[1:k]...)
		}
		out = append(out, 'e')
		if e >= 0 {
			out = append(out, '+')
		} else {
			out = append(out, '-')
			e = -e
		}
		out = strconv.AppendInt(out, int64(e), 10)
	}
	return out
}
