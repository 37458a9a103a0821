package jsonstrict

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// checkText refuses input that a lenient decoder would silently repair:
// bytes that are not UTF-8 (JSON text is UTF-8, RFC 8259 §8.1) and \u
// escapes that encode an unpaired UTF-16 surrogate. encoding/json turns
// both into U+FFFD in strings but keeps them verbatim in raw values, which
// the canonical encoder then cannot hash; the reference's decoder refuses
// them too.
func checkText(data []byte) error {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return &Error{Path: "$", Msg: fmt.Sprintf("invalid JSON: not valid UTF-8 (byte %d)", off)}
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		if i+1 < len(data) && data[i+1] == 'u' {
			r, ok := hex4(data, i+2)
			if ok && utf16.IsSurrogate(r) {
				lo, okLo := rune(0), false
				if r < 0xdc00 && i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
					lo, okLo = hex4(data, i+8)
				}
				if !okLo || lo < 0xdc00 || lo > 0xdfff {
					return &Error{Path: "$", Msg: fmt.Sprintf("invalid JSON: unpaired UTF-16 surrogate \\u%04x (byte %d)", r, i)}
				}
				i += 6 // the low half's escape is skipped below
			}
		}
		i++ // skip the escaped character
	}
	return nil
}

// hex4 reads four hex digits at data[at:].
func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(data[at:at+4]), 16, 32)
	return rune(v), err == nil
}
