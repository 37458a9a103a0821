package canonjson

import "sort"

// key returns the decoded bytes of m's key.
func (s *state) key(m *member) []byte {
	if m.inArena {
		return s.arena[m.keyStart:m.keyEnd]
	}
	return s.doc[m.keyStart:m.keyEnd]
}

// reorder sorts the members members[base:] of the object whose canonical
// body (the bytes after '{') is out[body:], rejects duplicate keys, and
// rewrites the body in place in sorted order.
func (s *state) reorder(out []byte, base, body int) error {
	ms := s.members[base:]
	if len(ms) <= insertionSortMax {
		// Insertion sort: objects are small and often nearly sorted.
		for i := 1; i < len(ms); i++ {
			m := ms[i]
			k := s.key(&m)
			j := i
			for ; j > 0 && compareUTF16(s.key(&ms[j-1]), k) > 0; j-- {
				ms[j] = ms[j-1]
			}
			ms[j] = m
		}
	} else {
		s.sorter = memberSorter{s: s, m: ms}
		sort.Sort(&s.sorter)
		s.sorter = memberSorter{}
	}
	for i := 1; i < len(ms); i++ {
		if compareUTF16(s.key(&ms[i-1]), s.key(&ms[i])) == 0 {
			return s.duplicate(max(ms[i-1].off, ms[i].off))
		}
	}
	scratch := append(s.scratch[:0], out[body:]...)
	if cap(scratch) != cap(s.scratch) {
		s.scratch = scratch // store the pointer only when it changed
	}
	w := body
	for i := range ms {
		if i > 0 {
			out[w] = ','
			w++
		}
		w += copy(out[w:], scratch[ms[i].outStart-body:ms[i].outEnd-body])
	}
	return nil
}

// insertionSortMax is the largest object reorder sorts by insertion;
// bigger objects go through sort.Sort.
const insertionSortMax = 16

// memberSorter orders object members by key in UTF-16 code-unit order.
type memberSorter struct {
	s *state
	m []member
}

func (ms *memberSorter) Len() int      { return len(ms.m) }
func (ms *memberSorter) Swap(i, j int) { ms.m[i], ms.m[j] = ms.m[j], ms.m[i] }
func (ms *memberSorter) Less(i, j int) bool {
	return compareUTF16(ms.s.key(&ms.m[i]), ms.s.key(&ms.m[j])) < 0
}

// compareUTF16 compares two valid UTF-8 strings as RFC 8785 requires: by
// their UTF-16 code units. It returns -1, 0 or +1.
//
// Byte order of UTF-8 equals code-point order, and code-point order equals
// UTF-16 order except in one case: a character in U+E000..U+FFFF (a single
// code unit 0xE000..0xFFFF, UTF-8 lead byte 0xEE or 0xEF) sorts after any
// supplementary character (a surrogate pair starting 0xD800..0xDBFF, UTF-8
// lead byte 0xF0..0xF4). Because the strings are equal up to the first
// differing byte, that byte is either a lead byte in both or a
// continuation byte of same-length sequences in both, so looking at the
// two differing bytes is enough.
func compareUTF16(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		switch {
		case len(a) < len(b):
			return -1
		case len(a) > len(b):
			return 1
		}
		return 0
	}
	x, y := a[i], b[i]
	if x >= 0xEE && y >= 0xEE && (x >= 0xF0) != (y >= 0xF0) {
		if x >= 0xF0 {
			return -1
		}
		return 1
	}
	if x < y {
		return -1
	}
	return 1
}

// unescapeCanonical appends to dst the characters that the canonical
// string body src (without quotes) encodes. src contains only the escapes
// this package emits: \" \\ \b \f \n \r \t and \u00xx.
func unescapeCanonical(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch src[i] {
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
			dst = append(dst, unhex(src[i+3])<<4|unhex(src[i+4]))
			i += 4
		default: // '"' or '\\'
			dst = append(dst, src[i])
		}
	}
	return dst
}
