package canonjson

import (
	"strconv"
	"unicode/utf8"
)

// state is one canonicalisation in progress. The parser is a recursive
// descent over doc that appends canonical bytes to an output slice as it
// goes; only object members are remembered (as offsets, in members) so
// that each object can be put into key order once its closing brace is
// reached.
//
// The output slice is passed to and returned from every parse method
// instead of living in state: a slice header held on the stack can be
// updated without GC write barriers, which otherwise cost a fifth of the
// run time whenever a collection is in progress.
type state struct {
	doc   []byte // input document
	pos   int    // next unread byte of doc
	depth int    // current array/object nesting

	// members is a stack of the members of every object that is still
	// open; each object owns members[base:] while it is being parsed.
	members []member
	// arena holds decoded keys that contained escapes (others are read
	// straight from doc).
	arena []byte
	// scratch is the copy buffer used when an object has to be reordered.
	scratch []byte
	// sorter is kept here so that sort.Sort does not allocate.
	sorter memberSorter
}

// member locates one `"key":value` pair of an object being canonicalised.
// It holds offsets rather than slices so that moving members around while
// sorting involves no pointers (and so no GC write barriers).
type member struct {
	keyStart, keyEnd int  // decoded key: doc[keyStart:keyEnd] or arena[...]
	inArena          bool // whether the decoded key lives in arena
	outStart, outEnd int  // the canonical `"key":value` bytes in out
	off              int  // offset of the key's opening quote in doc
}

// skipWS advances past RFC 8259 insignificant whitespace.
func (s *state) skipWS() {
	doc, i := s.doc, s.pos
	for i < len(doc) {
		c := doc[i]
		if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			break
		}
		i++
	}
	s.pos = i
}

// next returns the byte at s.pos, or 0 at the end of the input (0 is never
// valid where next is used).
func (s *state) next() byte {
	if s.pos < len(s.doc) {
		return s.doc[s.pos]
	}
	return 0
}

// value appends the canonical form of the value starting at s.pos, which
// is not whitespace.
func (s *state) value(out []byte) ([]byte, error) {
	switch c := s.next(); c {
	case '{':
		return s.object(out)
	case '[':
		return s.array(out)
	case '"':
		out, _, err := s.str(out)
		return out, err
	case 't':
		return s.literal(out, "true")
	case 'f':
		return s.literal(out, "false")
	case 'n':
		return s.literal(out, "null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return s.number(out)
		}
		return out, unexpected(s.doc, s.pos, "value")
	}
}

// literal consumes the keyword lit, which starts at s.pos.
func (s *state) literal(out []byte, lit string) ([]byte, error) {
	doc, i := s.doc, s.pos
	for k := 0; k < len(lit); k++ {
		if i+k >= len(doc) || doc[i+k] != lit[k] {
			return out, unexpected(doc, i+k, "literal "+lit)
		}
	}
	s.pos = i + len(lit)
	return append(out, lit...), nil
}

// enter increments the nesting depth for the container opening at s.pos.
func (s *state) enter() error {
	s.depth++
	if s.depth > MaxDepth {
		return &Error{
			Offset: s.pos,
			Reason: "nesting deeper than " + strconv.Itoa(MaxDepth) + " levels",
			Kind:   ErrTooDeep,
		}
	}
	return nil
}

// array appends the canonical form of the array whose '[' is at s.pos.
func (s *state) array(out []byte) ([]byte, error) {
	if err := s.enter(); err != nil {
		return out, err
	}
	s.pos++
	out = append(out, '[')
	s.skipWS()
	if s.next() == ']' {
		s.pos++
		s.depth--
		return append(out, ']'), nil
	}
	for {
		var err error
		if out, err = s.value(out); err != nil {
			return out, err
		}
		s.skipWS()
		switch s.next() {
		case ',':
			s.pos++
			out = append(out, ',')
			s.skipWS()
		case ']':
			s.pos++
			s.depth--
			return append(out, ']'), nil
		default:
			return out, unexpected(s.doc, s.pos, "',' or ']' after array element")
		}
	}
}

// object appends the canonical form of the object whose '{' is at s.pos.
// Members are written in input order; if they turn out not to be in
// canonical order the object's bytes are reordered in place before the
// '}' is written.
func (s *state) object(out []byte) ([]byte, error) {
	if err := s.enter(); err != nil {
		return out, err
	}
	s.pos++
	out = append(out, '{')
	s.skipWS()
	if s.next() == '}' {
		s.pos++
		s.depth--
		return append(out, '}'), nil
	}
	body := len(out)
	base := len(s.members)
	arenaMark := len(s.arena)
	sorted := true
	for {
		if s.next() != '"' {
			return out, unexpected(s.doc, s.pos, "string for object key")
		}
		m := member{off: s.pos, outStart: len(out)}
		var escaped bool
		var err error
		if out, escaped, err = s.str(out); err != nil {
			return out, err
		}
		if escaped {
			// The canonical key uses only simple escapes; decode that.
			m.inArena = true
			m.keyStart = len(s.arena)
			s.arena = unescapeCanonical(s.arena, out[m.outStart+1:len(out)-1])
			m.keyEnd = len(s.arena)
		} else {
			m.keyStart, m.keyEnd = m.off+1, s.pos-1
		}
		s.skipWS()
		if s.next() != ':' {
			return out, unexpected(s.doc, s.pos, "':' after object key")
		}
		s.pos++
		out = append(out, ':')
		s.skipWS()
		if out, err = s.value(out); err != nil {
			return out, err
		}
		m.outEnd = len(out)
		if n := len(s.members); n > base {
			switch c := compareUTF16(s.key(&s.members[n-1]), s.key(&m)); {
			case c == 0:
				return out, s.duplicate(m.off)
			case c > 0:
				sorted = false
			}
		}
		s.members = append(s.members, m)
		s.skipWS()
		c := s.next()
		if c == ',' {
			s.pos++
			out = append(out, ',')
			s.skipWS()
			continue
		}
		if c == '}' {
			break
		}
		return out, unexpected(s.doc, s.pos, "',' or '}' after object member")
	}
	if !sorted {
		if err := s.reorder(out, base, body); err != nil {
			return out, err
		}
	}
	s.members = s.members[:base]
	s.arena = s.arena[:arenaMark]
	s.pos++
	s.depth--
	return append(out, '}'), nil
}

// duplicate reports the key at off as a repeated key.
func (s *state) duplicate(off int) error {
	end := off + 1
	for end < len(s.doc) && s.doc[end] != '"' {
		if s.doc[end] == '\\' {
			end++
		}
		end++
	}
	key := s.doc[off:min(end+1, len(s.doc))]
	if n := 64; len(key) > n {
		for !utf8.RuneStart(key[n]) {
			n--
		}
		key = append(key[:n:n], "..."...)
	}
	return &Error{Offset: off, Reason: "duplicate key " + string(key), Kind: ErrDuplicateKey}
}
