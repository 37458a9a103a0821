package abi

import (
	"strconv"
	"unicode/utf8"
)

// AppendFSReadRequest appends the JSON encoding of r to dst: the bytes
// encoding/json would produce, without reflection. A module calls fs_read
// on every query of a file-backed check, and inside Wasm a reflective
// encoder costs more than the host's whole read.
func AppendFSReadRequest(dst []byte, r *FSReadRequest) []byte {
	dst = append(dst, `{"path":`...)
	dst = appendJSONString(dst, r.Path)
	if r.MaxBytes != 0 {
		dst = append(dst, `,"max_bytes":`...)
		dst = strconv.AppendInt(dst, r.MaxBytes, 10)
	}
	if r.Frames {
		dst = append(dst, `,"frames":true`...)
	}
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string escaped as encoding/json
// escapes it: '"', '\\', control characters, '<', '>', '&', U+2028 and
// U+2029 escaped (\b \f \n \r \t by name), invalid UTF-8 replaced by U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c == '\b':
				dst = append(dst, '\\', 'b')
			case c == '\f':
				dst = append(dst, '\\', 'f')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
