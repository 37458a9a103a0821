//go:build wasip1

package main

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A single-pass reader for the params object of a check: a JSON object whose
// members are read as strings, numbers, literals or (skipped) nested values.
// It avoids encoding/json's reflection and repeated scans, which cost a lot
// per byte under the host's termination checks; the pv1 built-ins use a
// similar single-pass parser for their params.

const (
	kindString = iota + 1
	kindNumber
	kindLiteral // true, false, null
	kindNested  // object or array, not decoded
)

type member struct {
	key  string
	kind int
	str  string // kindString: the decoded string
	raw  []byte // the value as written
}

func lookup(ms []member, key string) (member, bool) {
	for _, m := range ms {
		if m.key == key {
			return m, true
		}
	}
	return member{}, false
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// parseObject reads b as one JSON object; ok is false for anything else.
func parseObject(b []byte) (ms []member, ok bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return ms, skipWS(b, i+1) == len(b)
	}
	for {
		key, j, ok := parseString(b, i)
		if !ok {
			return nil, false
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return nil, false
		}
		m := member{key: key}
		start := i
		switch c := b[i]; {
		case c == '"':
			m.kind = kindString
			m.str, i, ok = parseString(b, i)
		case c == '{' || c == '[':
			m.kind = kindNested
			i, ok = skipNested(b, i)
		case c == 't' || c == 'f' || c == 'n':
			m.kind = kindLiteral
			i, ok = skipLiteral(b, i)
		default:
			m.kind = kindNumber
			i, ok = skipNumber(b, i)
		}
		if !ok {
			return nil, false
		}
		m.raw = b[start:i]
		ms = append(ms, m)
		i = skipWS(b, i)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipWS(b, i+1)
		case i < len(b) && b[i] == '}':
			return ms, skipWS(b, i+1) == len(b)
		default:
			return nil, false
		}
	}
}

// parseString decodes the JSON string starting at b[i] == '"'.
func parseString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	i++
	start := i
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	if i < len(b) && b[i] == '"' {
		if !utf8.Valid(b[start:i]) {
			return "", i, false
		}
		return string(b[start:i]), i + 1, true
	}
	out := append([]byte(nil), b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return "", i, false
			}
			return string(out), i + 1, true
		case c < 0x20:
			return "", i, false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", i, false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n, ok := parseUnicode(b, i)
			if !ok {
				return "", i, false
			}
			out = utf8.AppendRune(out, r)
			i += n
			continue
		default:
			return "", i, false
		}
		i += 2
	}
	return "", i, false
}

// parseUnicode reads \uXXXX (and a following low surrogate) at b[i].
func parseUnicode(b []byte, i int) (rune, int, bool) {
	hex4 := func(j int) (rune, bool) {
		if j+6 > len(b) || b[j] != '\\' || b[j+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[j+2:j+6]), 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex4(i)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex4(i + 6); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}

func skipLiteral(b []byte, i int) (int, bool) {
	for _, lit := range []string{"true", "false", "null"} {
		if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
			return i + len(lit), true
		}
	}
	return i, false
}

// skipNumber accepts the JSON number grammar.
func skipNumber(b []byte, i int) (int, bool) {
	digits := func() bool {
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > s
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return i, false
		}
	}
	return i, true
}

// skipNested skips a balanced object or array, honouring strings.
func skipNested(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"':
			_, j, ok := parseString(b, i)
			if !ok {
				return i, false
			}
			i = j
			continue
		}
		i++
	}
	return i, false
}

// appendQuoted appends s as a JSON string.
func appendQuoted(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, r := range string(s) {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			dst = append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return append(dst, '"')
}
