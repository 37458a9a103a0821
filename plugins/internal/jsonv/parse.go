package jsonv

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting [Parse] accepts: serde_json refuses the
// 128th nested array or object.
const MaxDepth = 127

// ErrSyntax is wrapped by every error [Parse] returns.
var ErrSyntax = errors.New("jsonv: invalid json")

// Parse parses one JSON document, optionally surrounded by JSON whitespace.
//
// # Errors
//
// An error wrapping [ErrSyntax] for anything serde_json's from_slice rejects.
func Parse(data []byte) (*Value, error) {
	p := parser{data: data}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.fail("trailing characters")
	}
	return v, nil
}

type parser struct {
	data []byte
	pos  int
}

func (p *parser) fail(msg string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrSyntax, msg, p.pos)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Value, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return StringValue(s), nil
	case c == 't':
		return p.literal("true", BoolValue(true))
	case c == 'f':
		return p.literal("false", BoolValue(false))
	case c == 'n':
		return p.literal("null", NullValue())
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.fail("expected value")
	}
}

func (p *parser) literal(word string, v *Value) (*Value, error) {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return nil, p.fail("expected " + word)
	}
	p.pos += len(word)
	return v, nil
}

func (p *parser) array(depth int) (*Value, error) {
	if depth > MaxDepth {
		return nil, p.fail("recursion limit exceeded")
	}
	p.pos++ // '['
	elems := []*Value{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return ArrayValue(elems), nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return ArrayValue(elems), nil
		default:
			return nil, p.fail("expected ',' or ']'")
		}
	}
}

func (p *parser) object(depth int) (*Value, error) {
	if depth > MaxDepth {
		return nil, p.fail("recursion limit exceeded")
	}
	p.pos++ // '{'
	m := NewMembers()
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return ObjectValue(m), nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected object key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m.Set(k, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return ObjectValue(m), nil
		default:
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

// str parses a string literal starting at the opening quote.
func (p *parser) str() (string, error) {
	p.pos++ // '"'
	var out []byte
	start := p.pos
	for {
		if p.pos >= len(p.data) {
			return "", p.fail("unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			out = append(out, p.data[start:p.pos]...)
			p.pos++
			if !utf8.Valid(out) {
				return "", p.fail("invalid utf-8 in string")
			}
			return string(out), nil
		case c == '\\':
			out = append(out, p.data[start:p.pos]...)
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
			start = p.pos
		case c < 0x20:
			return "", p.fail("control character in string")
		default:
			p.pos++
		}
	}
}

// escape decodes one escape sequence starting at the backslash.
func (p *parser) escape() (rune, error) {
	p.pos++ // '\\'
	if p.pos >= len(p.data) {
		return 0, p.fail("unterminated escape")
	}
	c := p.data[p.pos]
	p.pos++
	switch c {
	case '"':
		return '"', nil
	case '\\':
		return '\\', nil
	case '/':
		return '/', nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return 0, err
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return 0, p.fail("lone trailing surrogate in hex escape")
		case r >= 0xD800 && r <= 0xDBFF:
			if p.pos+1 >= len(p.data) || p.data[p.pos] != '\\' || p.data[p.pos+1] != 'u' {
				return 0, p.fail("lone leading surrogate in hex escape")
			}
			p.pos += 2
			lo, err := p.hex4()
			if err != nil {
				return 0, err
			}
			if lo < 0xDC00 || lo > 0xDFFF {
				return 0, p.fail("lone leading surrogate in hex escape")
			}
			return utf16.DecodeRune(r, lo), nil
		default:
			return r, nil
		}
	default:
		return 0, p.fail("invalid escape")
	}
}

func (p *parser) hex4() (rune, error) {
	if len(p.data)-p.pos < 4 {
		return 0, p.fail("unterminated hex escape")
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.fail("invalid hex escape")
		}
		r = r<<4 | rune(d)
	}
	p.pos += 4
	return r, nil
}

// number parses a number literal and classifies it as serde_json does.
func (p *parser) number() (*Value, error) {
	start := p.pos
	neg := false
	if p.data[p.pos] == '-' {
		neg = true
		p.pos++
	}
	if p.pos >= len(p.data) {
		return nil, p.fail("invalid number")
	}
	switch c := p.data[p.pos]; {
	case c == '0':
		p.pos++
		if p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			return nil, p.fail("invalid number")
		}
	case c >= '1' && c <= '9':
		p.digits()
	default:
		return nil, p.fail("invalid number")
	}
	isFloat := false
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		isFloat = true
		p.pos++
		if p.digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		isFloat = true
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	lit := string(p.data[start:p.pos])
	if !isFloat {
		if !neg {
			if u, err := strconv.ParseUint(lit, 10, 64); err == nil {
				return UintValue(u), nil
			}
		} else if lit != "-0" {
			if i, err := strconv.ParseInt(lit, 10, 64); err == nil {
				return IntValue(i), nil
			}
		}
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !(errors.Is(err, strconv.ErrRange) && f == 0) {
		return nil, p.fail("number out of range")
	}
	if math.IsInf(f, 0) {
		return nil, p.fail("number out of range")
	}
	return &Value{Kind: Number, N: Num{Kind: Float, F: f}}, nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}
