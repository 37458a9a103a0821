package compare

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// kind is the JSON type of a scanned value.
type kind uint8

const (
	kindInvalid kind = iota // malformed, or something serde_json would reject
	kindNull
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// maxDepth is the deepest nesting accepted. serde_json, which decodes the
// reference's inputs, refuses documents nested deeper than 128 levels, so a
// deeper value can never reach the reference's comparators.
const maxDepth = 128

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// trimSpace returns b without leading and trailing JSON whitespace.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// value is one validated JSON value: its trimmed bytes and its kind. Every
// helper that takes a value assumes that raw was produced by [parseValue]
// (or is a sub-span of such a value found by an iterator), so it is
// syntactically valid.
type value struct {
	raw  []byte
	kind kind
	// esc is set for strings whose body contains a backslash escape; strings
	// without one compare byte for byte.
	esc bool
}

// parseValue validates that raw holds exactly one JSON value (with optional
// surrounding whitespace) and classifies it. Anything malformed, including
// invalid UTF-8, lone surrogate escapes, numbers beyond the float64 range
// and nesting beyond [maxDepth], yields kindInvalid.
func parseValue(raw []byte) value {
	b := trimSpace(raw)
	if len(b) == 0 {
		return value{}
	}
	end, k, esc := scanValue(b, 0, 0)
	if k == kindInvalid || end != len(b) {
		return value{}
	}
	return value{raw: b, kind: k, esc: esc}
}

// scanValue scans the value starting exactly at b[i] and returns the index
// just past it, its kind, and (for strings) whether it has escapes.
func scanValue(b []byte, i, depth int) (int, kind, bool) {
	if i >= len(b) {
		return i, kindInvalid, false
	}
	switch c := b[i]; {
	case c == '"':
		end, esc, ok := scanString(b, i)
		if !ok {
			return i, kindInvalid, false
		}
		return end, kindString, esc
	case c == '-' || (c >= '0' && c <= '9'):
		end, ok := scanNumber(b, i)
		if !ok {
			return i, kindInvalid, false
		}
		return end, kindNumber, false
	case c == 't':
		return scanLiteral(b, i, "true", kindBool)
	case c == 'f':
		return scanLiteral(b, i, "false", kindBool)
	case c == 'n':
		return scanLiteral(b, i, "null", kindNull)
	case c == '[':
		if depth >= maxDepth {
			return i, kindInvalid, false
		}
		end, ok := scanArray(b, i, depth+1)
		if !ok {
			return i, kindInvalid, false
		}
		return end, kindArray, false
	case c == '{':
		if depth >= maxDepth {
			return i, kindInvalid, false
		}
		end, ok := scanObject(b, i, depth+1)
		if !ok {
			return i, kindInvalid, false
		}
		return end, kindObject, false
	}
	return i, kindInvalid, false
}

func scanLiteral(b []byte, i int, lit string, k kind) (int, kind, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, kindInvalid, false
	}
	return i + len(lit), k, false
}

func scanArray(b []byte, i, depth int) (int, bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		end, k, _ := scanValue(b, i, depth)
		if k == kindInvalid {
			return i, false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func scanObject(b []byte, i, depth int) (int, bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		end, _, ok := scanString(b, i)
		if !ok {
			return i, false
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i = skipSpace(b, i+1)
		end, k, _ := scanValue(b, i, depth)
		if k == kindInvalid {
			return i, false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// scanString scans the string starting at the quote b[i]. It rejects raw
// control characters, unknown escapes, lone UTF-16 surrogates and invalid
// UTF-8, as serde_json does.
func scanString(b []byte, i int) (end int, esc, ok bool) {
	start := i
	i++
	high := false
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if high && !utf8.Valid(b[start+1:i]) {
				return i, esc, false
			}
			return i + 1, esc, true
		case c < 0x20:
			return i, esc, false
		case c >= 0x80:
			high = true
			i++
		case c == '\\':
			esc = true
			n, ok := scanEscape(b, i)
			if !ok {
				return i, esc, false
			}
			i = n
		default:
			i++
		}
	}
	return i, esc, false
}

// scanEscape validates the escape sequence at b[i] == '\\' and returns the
// index after it. A \u escape of a high surrogate must be followed by one
// of a low surrogate.
func scanEscape(b []byte, i int) (int, bool) {
	if i+1 >= len(b) {
		return i, false
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, true
	case 'u':
		r, ok := hex4(b, i+2)
		if !ok {
			return i, false
		}
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if i+7 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
				return i, false
			}
			lo, ok := hex4(b, i+8)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return i, false
			}
			return i + 12, true
		case r >= 0xDC00 && r <= 0xDFFF:
			return i, false
		}
		return i + 6, true
	}
	return i, false
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// scanNumber scans a number per the JSON grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and rejects literals
// beyond the float64 range, as serde_json does.
func scanNumber(b []byte, i int) (int, bool) {
	start := i
	if b[i] == '-' {
		i++
	}
	intStart := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	intDigits := i - intStart
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return i, false
		}
		return i, inFloatRange(b[start:i])
	}
	// Without an exponent a literal whose integer part has at most 308
	// digits is below 1e308, inside the float64 range.
	if intDigits > 308 {
		return i, inFloatRange(b[start:i])
	}
	return i, true
}

func inFloatRange(lit []byte) bool {
	f, err := strconv.ParseFloat(string(lit), 64)
	return err == nil || !math.IsInf(f, 0)
}

// elems iterates over the elements of a validated array value.
type elems struct {
	b []byte
	i int
}

func newElems(arr []byte) elems { return elems{b: arr, i: skipSpace(arr, 1)} }

// next returns the next element, or ok=false at the end of the array.
func (it *elems) next() (value, bool) {
	if it.i >= len(it.b) || it.b[it.i] == ']' {
		return value{}, false
	}
	start := it.i
	end, k, esc := scanValue(it.b, start, 0)
	if k == kindInvalid {
		it.i = len(it.b)
		return value{}, false
	}
	it.i = skipSpace(it.b, end)
	if it.i < len(it.b) && it.b[it.i] == ',' {
		it.i = skipSpace(it.b, it.i+1)
	}
	return value{raw: it.b[start:end], kind: k, esc: esc}, true
}

// member is one key/value pair of an object, with the key unescaped.
type member struct {
	key []byte
	val value
}

// members appends the members of a validated object value to out, sorted
// by key, and returns the result. A key that appears more than once keeps
// its last value, as serde_json's map does.
func members(obj []byte, out []member) []member {
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] == '"' {
		kend, kesc, _ := scanString(obj, i)
		key := obj[i+1 : kend-1]
		if kesc {
			key = unescape(nil, key)
		}
		i = skipSpace(obj, kend)
		i = skipSpace(obj, i+1) // past ':'
		vend, k, esc := scanValue(obj, i, 0)
		if k == kindInvalid {
			break
		}
		out = append(out, member{key: key, val: value{raw: obj[i:vend], kind: k, esc: esc}})
		i = skipSpace(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	// A stable sort keeps duplicates in document order, so the last member
	// of each run of equal keys is the one that wins.
	slices.SortStableFunc(out, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	w := 0
	for r := range out {
		if r+1 < len(out) && bytes.Equal(out[r].key, out[r+1].key) {
			continue
		}
		out[w] = out[r]
		w++
	}
	return out[:w]
}

// str returns the unescaped UTF-8 bytes of a string value, appending to buf
// only when the string has escapes.
func (v value) str(buf []byte) []byte {
	body := v.raw[1 : len(v.raw)-1]
	if !v.esc {
		return body
	}
	return unescape(buf, body)
}

// unescape appends the decoded form of a validated string body to dst.
func unescape(dst, body []byte) []byte {
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch body[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, _ := hex4(body, i+2)
			if r >= 0xD800 && r < 0xDC00 {
				lo, _ := hex4(body, i+8)
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
			i += 6
			continue
		default: // '"', '\\', '/'
			dst = append(dst, body[i+1])
		}
		i += 2
	}
	return dst
}
