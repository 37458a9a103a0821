package canonjson

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// plain marks the ASCII bytes that stand for themselves both inside an
// input string and in canonical output: everything from 0x20 to 0x7f
// except '"' and '\\'. Bytes 0x80 and above are handled as UTF-8.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// str appends the canonical form of the string whose opening quote is at
// s.pos and reports whether the input spelled any character with an
// escape sequence.
//
// The input must be RFC 8259 text in valid UTF-8: control characters must
// be escaped, and \u escapes must not leave a surrogate unpaired. The
// output escapes only what RFC 8785 requires and writes every other
// character as raw UTF-8.
func (s *state) str(out []byte) ([]byte, bool, error) {
	doc := s.doc
	start := s.pos
	out = append(out, '"')
	escaped := false
	i := start + 1
	for {
		j := plainPrefix(doc, i)
		out = append(out, doc[i:j]...)
		i = j
		if i >= len(doc) {
			return out, false, syntaxErr(start, "unterminated string")
		}
		switch c := doc[i]; {
		case c == '"':
			s.pos = i + 1
			return append(out, '"'), escaped, nil
		case c == '\\':
			r, next, err := decodeEscape(doc, i)
			if err != nil {
				return out, false, err
			}
			out = appendChar(out, r)
			escaped = true
			i = next
		case c < 0x20:
			return out, false, syntaxErr(i, "control character "+quoteByte(c)+" in string must be escaped")
		default:
			r, size := utf8.DecodeRune(doc[i:])
			if r == utf8.RuneError && size <= 1 {
				return out, false, syntaxErr(i, "invalid UTF-8 in string")
			}
			out = append(out, doc[i:i+size]...)
			i += size
		}
	}
}

// Word-at-a-time constants for plainPrefix.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainPrefix returns the offset of the first byte at or after i that is
// not plain (see the plain table), or len(doc). It tests eight bytes at a
// time: for each byte b of w, the high bit of
//
//	(b - 0x20) | ((b ^ '"') - 1) | ((b ^ '\\') - 1) | b
//
// is set when b < 0x20, b == '"', b == '\\' or b >= 0x80. A borrow can
// only flag bytes above a byte that really is special, so the lowest
// flagged byte is exact.
func plainPrefix(doc []byte, i int) int {
	for i+8 <= len(doc) {
		w := binary.LittleEndian.Uint64(doc[i:])
		m := ((w - 0x20*ones) | ((w ^ '"'*ones) - ones) | ((w ^ '\\'*ones) - ones) | w) & highs
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(doc) && plain[doc[i]] {
		i++
	}
	return i
}

// decodeEscape decodes the escape sequence whose backslash is at doc[i],
// joining a \u surrogate pair into one character. It returns the character
// and the offset just past the sequence.
func decodeEscape(doc []byte, i int) (rune, int, error) {
	if i+1 >= len(doc) {
		return 0, 0, syntaxErr(i, "unterminated escape sequence")
	}
	switch doc[i+1] {
	case '"':
		return '"', i + 2, nil
	case '\\':
		return '\\', i + 2, nil
	case '/':
		return '/', i + 2, nil
	case 'b':
		return '\b', i + 2, nil
	case 'f':
		return '\f', i + 2, nil
	case 'n':
		return '\n', i + 2, nil
	case 'r':
		return '\r', i + 2, nil
	case 't':
		return '\t', i + 2, nil
	case 'u':
	default:
		return 0, 0, syntaxErr(i, "invalid escape sequence "+quoteByte(doc[i+1]))
	}
	r, ok := hex4(doc, i+2)
	if !ok {
		return 0, 0, syntaxErr(i, `invalid \u escape, expected four hex digits`)
	}
	switch {
	case r >= 0xdc00 && r < 0xe000:
		return 0, 0, syntaxErr(i, `unpaired low surrogate in \u escape`)
	case r < 0xd800 || r >= 0xe000:
		return r, i + 6, nil
	}
	// r is a high surrogate: a \u escape of a low surrogate must follow.
	if i+7 >= len(doc) || doc[i+6] != '\\' || doc[i+7] != 'u' {
		return 0, 0, syntaxErr(i, `unpaired high surrogate in \u escape`)
	}
	lo, ok := hex4(doc, i+8)
	if !ok {
		return 0, 0, syntaxErr(i+6, `invalid \u escape, expected four hex digits`)
	}
	if lo < 0xdc00 || lo >= 0xe000 {
		return 0, 0, syntaxErr(i, `unpaired high surrogate in \u escape`)
	}
	return 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00), i + 12, nil
}

// hex4 decodes the four hex digits at doc[i:i+4].
func hex4(doc []byte, i int) (rune, bool) {
	if i+4 > len(doc) {
		return 0, false
	}
	var r rune
	for _, c := range doc[i : i+4] {
		d := unhex(c)
		if d == 0xff {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// unhex returns the value of the hex digit c, or 0xff if c is not one.
func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0xff
}

// appendChar appends r in canonical string form: the two-character
// escapes for '"', '\\', backspace, form feed, newline, carriage return
// and tab; \u00xx with lower-case hex for the other control characters
// below U+0020; raw UTF-8 for everything else.
func appendChar(out []byte, r rune) []byte {
	if r >= 0x80 {
		return utf8.AppendRune(out, r)
	}
	if plain[r] {
		return append(out, byte(r))
	}
	switch r {
	case '"':
		return append(out, '\\', '"')
	case '\\':
		return append(out, '\\', '\\')
	case '\b':
		return append(out, '\\', 'b')
	case '\f':
		return append(out, '\\', 'f')
	case '\n':
		return append(out, '\\', 'n')
	case '\r':
		return append(out, '\\', 'r')
	case '\t':
		return append(out, '\\', 't')
	}
	return append(out, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
}
