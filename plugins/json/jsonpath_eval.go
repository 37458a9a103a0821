package main

import (
	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

// This file evaluates a parsed JSONPath with the selection semantics of
// jsonpath_lib 0.3. The library walks the node tree depth-first and runs a
// small stack machine over the tokens it meets; the observable results
// (match order, duplicates, how filters see their context, which negative
// indexes clamp to 0) follow from that machine, so it is reproduced here as
// such rather than as a textbook JSONPath evaluator. Inputs on which the
// library would panic are reported as invalid paths.

// step is one token of the flattened node tree.
type step struct {
	kind nodeKind // nArrayEOF marks the end of a bracket
	n    *node
}

const nArrayEOF nodeKind = 255

// flatten appends the tokens of n in the library's visiting order.
func flatten(n *node, out []step) []step {
	if n == nil {
		return out
	}
	switch n.kind {
	case nIn, nLeaves:
		out = flatten(n.left, out)
		out = append(out, step{kind: n.kind, n: n})
		return flatten(n.right, out)
	case nArray:
		out = flatten(n.left, out)
		out = append(out, step{kind: nArray, n: n})
		out = flatten(n.right, out)
		return append(out, step{kind: nArrayEOF, n: n})
	case nFilter:
		out = flatten(n.left, out)
		out = flatten(n.right, out)
		return append(out, step{kind: nFilter, n: n})
	case nEOF:
		return out
	default:
		return append(out, step{kind: n.kind, n: n})
	}
}

// selectJSONPath returns the values path selects in doc, in order.
func selectJSONPath(doc *jsonv.Value, path string) (matches []*jsonv.Value, err error) {
	steps, err := compiledPath(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			if r != errUnsupported {
				panic(r)
			}
			matches, err = nil, errJSONPath
		}
	}()
	sel := &selector{root: doc}
	for _, st := range steps {
		sel.visit(st)
	}
	if !sel.hasCurrent {
		return nil, errJSONPath
	}
	return sel.current, nil
}

// errUnsupported is raised (as a panic inside the machine) where the
// library itself panics.
var errUnsupported = &struct{ msg string }{"unsupported jsonpath construct"}

// keyFilter says which key a JSON term was filtered on.
type keyFilter struct {
	set bool   // false: none
	all bool   // filtered by a descendant search
	key string // filtered by a child key
}

type termKind uint8

const (
	termString termKind = iota
	termNumber
	termBool
	termJSON
)

// term is one operand on the filter stack.
type term struct {
	kind   termKind
	s      string
	num    jsonv.Num
	b      bool
	rel    []*jsonv.Value // termJSON: the context values the result maps back to
	hasRel bool
	fk     keyFilter
	vec    []*jsonv.Value // termJSON: the values
}

// selector is the evaluation state. terms holds nil for an open filter
// context; subs holds nested absolute paths inside filters.
type selector struct {
	root       *jsonv.Value
	current    []*jsonv.Value
	hasCurrent bool
	tokens     []nodeKind
	terms      []*term
	subs       []*selector
}

func (s *selector) lastToken() (nodeKind, bool) {
	if len(s.tokens) == 0 {
		return 0, false
	}
	return s.tokens[len(s.tokens)-1], true
}

func (s *selector) popToken() (nodeKind, bool) {
	k, ok := s.lastToken()
	if ok {
		s.tokens = s.tokens[:len(s.tokens)-1]
	}
	return k, ok
}

func (s *selector) lastBeforeIs(k nodeKind) bool {
	return len(s.tokens) > 1 && s.tokens[len(s.tokens)-2] == k
}

// popTerm pops the top of the filter stack. ok is false when it is empty;
// t is nil for an open filter context.
func (s *selector) popTerm() (t *term, ok bool) {
	if len(s.terms) == 0 {
		return nil, false
	}
	t = s.terms[len(s.terms)-1]
	s.terms = s.terms[:len(s.terms)-1]
	return t, true
}

func (s *selector) pushTerm(t *term) { s.terms = append(s.terms, t) }

func (s *selector) visit(st step) {
	if s.delegate(st) {
		return
	}
	switch st.kind {
	case nAbsolute:
		s.visitAbsolute()
	case nRelative:
		s.visitRelative()
	case nIn, nLeaves, nArray:
		s.tokens = append(s.tokens, st.kind)
	case nArrayEOF:
		s.visitArrayEOF()
	case nAll:
		s.visitAll()
	case nBool:
		s.pushTerm(&term{kind: termBool, b: st.n.b})
	case nKey:
		s.visitKey(st.n.key)
	case nKeys:
		s.visitKeys(st.n.keys)
	case nNumber:
		s.pushTerm(&term{kind: termNumber, num: jsonv.Num{Kind: jsonv.Float, F: st.n.num}})
	case nFilter:
		s.visitFilter(st.n.op)
	case nRange:
		s.visitRange(st.n)
	case nUnion:
		s.visitUnion(st.n.indices)
	}
}

// delegate routes a token to the innermost nested absolute path, closing it
// first when the token ends the operand it forms.
func (s *selector) delegate(st step) bool {
	if len(s.subs) > 0 && (st.kind == nAbsolute || st.kind == nRelative || st.kind == nFilter) {
		sub := s.subs[len(s.subs)-1]
		s.subs = s.subs[:len(s.subs)-1]
		if !sub.hasCurrent {
			panic(errUnsupported)
		}
		t := termFromValues(sub.current)
		if len(s.subs) > 0 {
			s.subs[len(s.subs)-1].pushTerm(t)
		} else {
			s.pushTerm(t)
		}
	}
	if len(s.subs) > 0 {
		s.subs[len(s.subs)-1].visit(st)
		return true
	}
	return false
}

// termFromValues turns the result of a nested path into an operand: a single
// scalar becomes a literal, anything else a JSON term.
func termFromValues(vals []*jsonv.Value) *term {
	if len(vals) == 1 {
		switch v := vals[0]; v.Kind {
		case jsonv.Number:
			return &term{kind: termNumber, num: v.N}
		case jsonv.String:
			return &term{kind: termString, s: v.S}
		case jsonv.Bool:
			return &term{kind: termBool, b: v.B}
		}
	}
	return &term{kind: termJSON, vec: append([]*jsonv.Value(nil), vals...)}
}

func (s *selector) visitAbsolute() {
	if s.hasCurrent {
		s.subs = append(s.subs, &selector{root: s.root, current: []*jsonv.Value{s.root}, hasCurrent: true})
		return
	}
	s.current, s.hasCurrent = []*jsonv.Value{s.root}, true
}

func (s *selector) visitRelative() {
	if k, ok := s.lastToken(); ok && k == nArray {
		s.popToken()
		if k, ok := s.lastToken(); ok && k == nLeaves {
			s.popToken()
			s.collectAll()
		}
		s.tokens = append(s.tokens, nArray)
	}
	s.pushTerm(nil)
}

func (s *selector) visitArrayEOF() {
	if s.lastBeforeIs(nArray) {
		if t, _ := s.popTerm(); t != nil {
			if t.kind == termString {
				s.filterNextWithStr(t.s)
				s.popToken()
				return
			}
			s.pushTerm(t)
		}
	}
	if s.lastBeforeIs(nLeaves) {
		s.popToken()
		s.popToken()
		if t, _ := s.popTerm(); t != nil {
			switch t.kind {
			case termNumber:
				s.collectAllWithNum(t.num.Float64())
				s.popTerm()
				return
			case termString:
				s.collectAllWithStr(t.s)
				s.popTerm()
				return
			default:
				s.pushTerm(t)
			}
		}
	}
	if t, _ := s.popTerm(); t != nil {
		switch t.kind {
		case termNumber:
			s.collectNextWithNum(t.num.Float64())
		case termString:
			s.collectNextWithStr([]string{t.s})
		case termJSON:
			switch {
			case len(t.vec) == 0:
				s.current = []*jsonv.Value{}
			case t.hasRel:
				s.current = t.rel
			default:
				s.current = t.vec
			}
		case termBool:
			if !t.b {
				s.current = []*jsonv.Value{}
			}
		}
	}
	s.popToken()
}

func (s *selector) visitAll() {
	if k, ok := s.lastToken(); ok && k == nArray {
		s.popToken()
	}
	switch k, ok := s.lastToken(); {
	case ok && k == nLeaves:
		s.popToken()
		s.collectAll()
	case ok && k == nIn:
		s.popToken()
		s.collectNextAll()
	default:
		s.collectNextAll()
	}
}

func (s *selector) visitKey(key string) {
	if k, ok := s.lastToken(); ok && k == nArray {
		s.pushTerm(&term{kind: termString, s: key})
		return
	}
	k, ok := s.popToken()
	if !ok {
		return
	}
	if len(s.terms) == 0 {
		switch k {
		case nLeaves:
			s.collectAllWithStr(key)
		case nIn:
			s.collectNextWithStr([]string{key})
		}
		return
	}
	switch k {
	case nLeaves:
		s.filterAllWithStr(key)
	case nIn:
		s.filterNextWithStr(key)
	}
}

func (s *selector) visitKeys(keys []string) {
	if len(s.terms) > 0 {
		panic(errUnsupported)
	}
	if k, _ := s.popToken(); k != nArray {
		panic(errUnsupported)
	}
	s.collectNextWithStr(keys)
}

// absIndex resolves a possibly negative index: negative indexes count from
// the end and clamp at 0, positive ones clamp at len.
func absIndex(n, length int) int {
	if n < 0 {
		return max(n+length, 0)
	}
	return min(n, length)
}

func (s *selector) visitRange(n *node) {
	if len(s.terms) > 0 {
		panic(errUnsupported)
	}
	if k, _ := s.popToken(); k != nArray {
		panic(errUnsupported)
	}
	stride := uint64(1)
	if n.step != nil {
		stride = *n.step
	}
	if stride == 0 {
		panic(errUnsupported)
	}
	out := []*jsonv.Value{}
	if s.hasCurrent {
		for _, v := range s.current {
			if v.Kind != jsonv.Array {
				continue
			}
			from, to := 0, len(v.Arr)
			if n.from != nil {
				from = absIndex(*n.from, len(v.Arr))
			}
			if n.to != nil {
				to = absIndex(*n.to, len(v.Arr))
			}
			for i := from; i < to; {
				out = append(out, v.Arr[i])
				if uint64(to-i) <= stride {
					break
				}
				i += int(stride)
			}
		}
	}
	s.current, s.hasCurrent = out, true
}

func (s *selector) visitUnion(indices []int) {
	if len(s.terms) > 0 {
		panic(errUnsupported)
	}
	if k, _ := s.popToken(); k != nArray {
		panic(errUnsupported)
	}
	out := []*jsonv.Value{}
	if s.hasCurrent {
		for _, v := range s.current {
			if v.Kind != jsonv.Array {
				continue
			}
			for _, i := range indices {
				if j := absIndex(i, len(v.Arr)); j < len(v.Arr) {
					out = append(out, v.Arr[j])
				}
			}
		}
	}
	s.current, s.hasCurrent = out, true
}

func (s *selector) visitFilter(op filterOp) {
	right := s.operand("right")
	left := s.operand("left")
	s.pushTerm(compareTerms(left, right, op))
}

// operand pops a filter operand; an open context stands for the current
// values.
func (s *selector) operand(string) *term {
	t, ok := s.popTerm()
	if !ok {
		panic(errUnsupported)
	}
	if t == nil {
		if !s.hasCurrent {
			panic(errUnsupported)
		}
		return &term{kind: termJSON, vec: append([]*jsonv.Value(nil), s.current...)}
	}
	return t
}
