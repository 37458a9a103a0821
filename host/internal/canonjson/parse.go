package canonjson

import (
	"strconv"
	"unicode/utf8"
)

// state is one canonicalisation in progress. The parser is a recursive
// descent over doc that appends canonical bytes to out as it goes; only
// object members are remembered (as offsets, in members) so that each
// object can be put into key order once its closing brace is reached.
type state struct {
	doc   []byte // input document
	out   []byte // canonical output so far
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

// value canonicalises the value starting at s.pos, which is not
// whitespace.
func (s *state) value() error {
	if s.pos >= len(s.doc) {
		return unexpected(s.doc, s.pos, "value")
	}
	switch c := s.doc[s.pos]; c {
	case '{':
		return s.object()
	case '[':
		return s.array()
	case '"':
		_, err := s.str()
		return err
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return s.number()
		}
		return unexpected(s.doc, s.pos, "value")
	}
}

// literal consumes the keyword lit, which starts at s.pos.
func (s *state) literal(lit string) error {
	doc, i := s.doc, s.pos
	for k := 0; k < len(lit); k++ {
		if i+k >= len(doc) || doc[i+k] != lit[k] {
			return unexpected(doc, i+k, "literal "+lit)
		}
	}
	s.pos = i + len(lit)
	s.out = append(s.out, lit...)
	return nil
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

// array canonicalises the array whose '[' is at s.pos.
func (s *state) array() error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++
	s.out = append(s.out, '[')
	s.skipWS()
	if s.pos < len(s.doc) && s.doc[s.pos] == ']' {
		s.pos++
		s.out = append(s.out, ']')
		s.depth--
		return nil
	}
	for {
		if err := s.value(); err != nil {
			return err
		}
		s.skipWS()
		if s.pos >= len(s.doc) {
			return unexpected(s.doc, s.pos, "',' or ']' after array element")
		}
		switch s.doc[s.pos] {
		case ',':
			s.pos++
			s.out = append(s.out, ',')
			s.skipWS()
		case ']':
			s.pos++
			s.out = append(s.out, ']')
			s.depth--
			return nil
		default:
			return unexpected(s.doc, s.pos, "',' or ']' after array element")
		}
	}
}

// object canonicalises the object whose '{' is at s.pos. Members are
// written in input order; if they turn out not to be in canonical order
// the object's bytes are reordered in place before the '}' is written.
func (s *state) object() error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++
	s.out = append(s.out, '{')
	s.skipWS()
	if s.pos < len(s.doc) && s.doc[s.pos] == '}' {
		s.pos++
		s.out = append(s.out, '}')
		s.depth--
		return nil
	}
	body := len(s.out)
	base := len(s.members)
	arenaMark := len(s.arena)
	sorted := true
	for {
		if s.pos >= len(s.doc) || s.doc[s.pos] != '"' {
			return unexpected(s.doc, s.pos, "string for object key")
		}
		m := member{off: s.pos, outStart: len(s.out)}
		escaped, err := s.str()
		if err != nil {
			return err
		}
		if escaped {
			// The canonical key uses only simple escapes; decode that.
			m.inArena = true
			m.keyStart = len(s.arena)
			s.arena = unescapeCanonical(s.arena, s.out[m.outStart+1:len(s.out)-1])
			m.keyEnd = len(s.arena)
		} else {
			m.keyStart, m.keyEnd = m.off+1, s.pos-1
		}
		s.skipWS()
		if s.pos >= len(s.doc) || s.doc[s.pos] != ':' {
			return unexpected(s.doc, s.pos, "':' after object key")
		}
		s.pos++
		s.out = append(s.out, ':')
		s.skipWS()
		if err := s.value(); err != nil {
			return err
		}
		m.outEnd = len(s.out)
		if n := len(s.members); n > base {
			switch c := compareUTF16(s.key(&s.members[n-1]), s.key(&m)); {
			case c == 0:
				return s.duplicate(m.off)
			case c > 0:
				sorted = false
			}
		}
		s.members = append(s.members, m)
		s.skipWS()
		if s.pos < len(s.doc) && s.doc[s.pos] == ',' {
			s.pos++
			s.out = append(s.out, ',')
			s.skipWS()
			continue
		}
		if s.pos < len(s.doc) && s.doc[s.pos] == '}' {
			break
		}
		return unexpected(s.doc, s.pos, "',' or '}' after object member")
	}
	if !sorted {
		if err := s.reorder(base, body); err != nil {
			return err
		}
	}
	s.members = s.members[:base]
	s.arena = s.arena[:arenaMark]
	s.pos++
	s.out = append(s.out, '}')
	s.depth--
	return nil
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
