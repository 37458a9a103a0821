package jsonv

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Append appends v to dst as compact JSON. Strings use RFC 8785 escaping;
// floats use the shortest representation that reads back to the same
// float64 and always carry a fraction or an exponent, so that a float stays
// a float for the reader.
func Append(dst []byte, v *Value) []byte {
	switch v.Kind {
	case Null:
		return append(dst, "null"...)
	case Bool:
		return strconv.AppendBool(dst, v.B)
	case Number:
		return appendNum(dst, v.N)
	case String:
		return AppendString(dst, v.S)
	case Array:
		dst = append(dst, '[')
		for i, e := range v.Arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, e)
		}
		return append(dst, ']')
	default:
		dst = append(dst, '{')
		for i := 0; i < v.Obj.Len(); i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			k, e := v.Obj.At(i)
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			dst = Append(dst, e)
		}
		return append(dst, '}')
	}
}

// Marshal returns v as compact JSON (see [Append]).
func Marshal(v *Value) []byte { return Append(nil, v) }

func appendNum(dst []byte, n Num) []byte {
	switch n.Kind {
	case PosInt:
		return strconv.AppendUint(dst, n.U, 10)
	case NegInt:
		return strconv.AppendInt(dst, n.I, 10)
	default:
		s := strconv.FormatFloat(n.F, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return append(dst, s...)
	}
}

// AppendString appends s as a JSON string with RFC 8785 escaping: '"' and
// '\\' escaped, \b \f \n \r \t by name, other control characters as \u00xx
// with lower-case hex, everything else raw. Invalid UTF-8 bytes become
// U+FFFD.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				if c < 0x20 {
					dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
				} else {
					dst = append(dst, c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
