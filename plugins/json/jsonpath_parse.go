package main

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// This file parses a JSONPath expression into the node tree of jsonpath_lib
// 0.3, including its leniencies: whitespace is allowed in some places and
// not in others, text after a complete path is ignored, "&&" and "||" have
// equal precedence and group to the right, and any bare word starting with
// t/T/f/F is a boolean (true only when it is "true" in any case).

var errJSONPath = errors.New("invalid jsonpath")

type nodeKind uint8

const (
	nAbsolute nodeKind = iota
	nRelative
	nIn     // child step: left, then right (key or all)
	nLeaves // descendant step: left, then right (key, all, or none)
	nAll
	nKey
	nKeys
	nArray // bracket step: left, then right (filter, all, index, …)
	nFilter
	nRange
	nUnion
	nNumber
	nBool
	nEOF
)

type filterOp uint8

const (
	opEqual filterOp = iota
	opNotEqual
	opLess
	opLessOrEqual
	opGreater
	opGreaterOrEqual
	opAnd
	opOr
)

type node struct {
	kind        nodeKind
	left, right *node
	key         string   // nKey
	keys        []string // nKeys
	op          filterOp // nFilter
	num         float64  // nNumber
	b           bool     // nBool
	from, to    *int     // nRange
	step        *uint64  // nRange
	indices     []int    // nUnion
}

type tokenReader struct {
	toks []token
	pos  int
}

func (r *tokenReader) peek() (token, bool) {
	if r.pos >= len(r.toks) {
		return token{}, false
	}
	return r.toks[r.pos], true
}

func (r *tokenReader) peekIs(k tokKind) bool {
	t, ok := r.peek()
	return ok && t.kind == k
}

func (r *tokenReader) next() (token, bool) {
	t, ok := r.peek()
	if ok {
		r.pos++
	}
	return t, ok
}

func (r *tokenReader) skipWhitespace() {
	for r.peekIs(tkWhitespace) {
		r.pos++
	}
}

func (r *tokenReader) expect(k tokKind) error {
	t, ok := r.next()
	if !ok || t.kind != k {
		return errJSONPath
	}
	return nil
}

// parseJSONPath parses path into a node tree.
func parseJSONPath(path string) (*node, error) {
	r := &tokenReader{toks: tokenize(path)}
	return r.jsonPath()
}

func (r *tokenReader) jsonPath() (*node, error) {
	if t, ok := r.next(); !ok || t.kind != tkAbsolute {
		return nil, errJSONPath
	}
	return r.paths(&node{kind: nAbsolute})
}

func (r *tokenReader) paths(prev *node) (*node, error) {
	for {
		t, ok := r.peek()
		if !ok {
			return prev, nil
		}
		var err error
		switch t.kind {
		case tkDot:
			r.pos++
			prev, err = r.path(prev)
		case tkOpenArray:
			r.pos++
			r.skipWhitespace()
			prev, err = r.array(prev)
		default:
			return prev, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (r *tokenReader) path(prev *node) (*node, error) {
	t, ok := r.peek()
	if !ok {
		return nil, errJSONPath
	}
	switch t.kind {
	case tkDot:
		return r.leaves(prev)
	case tkAsterisk:
		r.pos++
		return &node{kind: nIn, left: prev, right: &node{kind: nAll}}, nil
	case tkKey:
		r.pos++
		return &node{kind: nIn, left: prev, right: &node{kind: nKey, key: t.text}}, nil
	case tkOpenArray:
		r.pos++
		return r.array(prev)
	default:
		return nil, errJSONPath
	}
}

// leaves parses what follows "..".
func (r *tokenReader) leaves(prev *node) (*node, error) {
	r.pos++ // the second '.'
	t, ok := r.peek()
	switch {
	case ok && t.kind == tkAsterisk:
		r.pos++
		return &node{kind: nLeaves, left: prev, right: &node{kind: nAll}}, nil
	case ok && t.kind == tkOpenArray:
		// The bracket is parsed by paths, with this node as its left side.
		return &node{kind: nLeaves, left: prev}, nil
	case ok && t.kind == tkKey:
		r.pos++
		return &node{kind: nLeaves, left: prev, right: &node{kind: nKey, key: t.text}}, nil
	default:
		return nil, errJSONPath
	}
}

func (r *tokenReader) array(prev *node) (*node, error) {
	var right *node
	var err error
	switch t, ok := r.peek(); {
	case ok && t.kind == tkQuestion:
		r.pos++
		right, err = r.filter()
	case ok && t.kind == tkAsterisk:
		r.pos++
		right = &node{kind: nAll}
	default:
		right, err = r.arrayValue()
	}
	if err != nil {
		return nil, err
	}
	r.skipWhitespace()
	if err := r.expect(tkCloseArray); err != nil {
		return nil, err
	}
	return &node{kind: nArray, left: prev, right: right}, nil
}

func (r *tokenReader) arrayValue() (*node, error) {
	t, ok := r.peek()
	if !ok {
		return &node{kind: nEOF}, nil
	}
	switch t.kind {
	case tkKey:
		return r.arrayValueKey()
	case tkSplit:
		r.pos++
		return r.rangeTo()
	case tkDoubleQuoted, tkSingleQuoted:
		return r.quoteValue()
	default:
		return nil, errJSONPath
	}
}

func (r *tokenReader) arrayValueKey() (*node, error) {
	t, _ := r.next()
	n, err := parseIsize(t.text)
	if err != nil {
		return nil, err
	}
	r.skipWhitespace()
	switch {
	case r.peekIs(tkComma):
		return r.union(n)
	case r.peekIs(tkSplit):
		return r.rangeFrom(n)
	default:
		return &node{kind: nNumber, num: float64(n)}, nil
	}
}

func (r *tokenReader) union(first int) (*node, error) {
	values := []int{first}
	for r.peekIs(tkComma) {
		r.pos++
		r.skipWhitespace()
		t, ok := r.next()
		if !ok || t.kind != tkKey {
			return nil, errJSONPath
		}
		n, err := parseIsize(t.text)
		if err != nil {
			return nil, err
		}
		values = append(values, n)
	}
	return &node{kind: nUnion, indices: values}, nil
}

// rangeStep parses an optional ":step" (whitespace allowed around ':').
func (r *tokenReader) rangeStep() (*uint64, error) {
	r.skipWhitespace()
	if !r.peekIs(tkSplit) {
		return nil, nil
	}
	r.pos++
	r.skipWhitespace()
	if !r.peekIs(tkKey) {
		return nil, nil
	}
	t, _ := r.next()
	s, err := parseUsize(t.text)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (r *tokenReader) rangeFrom(from int) (*node, error) {
	r.pos++ // ':'
	r.skipWhitespace()
	switch {
	case r.peekIs(tkKey):
		t, _ := r.next()
		to, err := parseIsize(t.text)
		if err != nil {
			return nil, err
		}
		step, err := r.rangeStep()
		if err != nil {
			return nil, err
		}
		return &node{kind: nRange, from: &from, to: &to, step: step}, nil
	case r.peekIs(tkSplit):
		step, err := r.rangeStep()
		if err != nil {
			return nil, err
		}
		return &node{kind: nRange, from: &from, step: step}, nil
	default:
		return &node{kind: nRange, from: &from}, nil
	}
}

// rangeTo parses a range after its leading ':'.
func (r *tokenReader) rangeTo() (*node, error) {
	step, err := r.rangeStep()
	if err != nil {
		return nil, err
	}
	if step != nil {
		return &node{kind: nRange, step: step}, nil
	}
	if r.peekIs(tkCloseArray) {
		return &node{kind: nRange}, nil
	}
	t, ok := r.next()
	if !ok || t.kind != tkKey {
		return nil, errJSONPath
	}
	to, err := parseIsize(t.text)
	if err != nil {
		return nil, err
	}
	step, err = r.rangeStep()
	if err != nil {
		return nil, err
	}
	return &node{kind: nRange, to: &to, step: step}, nil
}

// quoteValue parses a quoted key, or a comma-separated list of them.
func (r *tokenReader) quoteValue() (*node, error) {
	t, _ := r.next()
	if !r.peekIs(tkComma) {
		return &node{kind: nKey, key: t.text}, nil
	}
	keys := []string{t.text}
	for r.peekIs(tkComma) {
		r.pos++
		r.skipWhitespace()
		k, ok := r.next()
		if !ok || (k.kind != tkSingleQuoted && k.kind != tkDoubleQuoted) {
			return nil, errJSONPath
		}
		keys = append(keys, k.text)
		r.skipWhitespace()
	}
	return &node{kind: nKeys, keys: keys}, nil
}

func (r *tokenReader) filter() (*node, error) {
	if err := r.expect(tkOpenParen); err != nil {
		return nil, err
	}
	n, err := r.exprs()
	if err != nil {
		return nil, err
	}
	r.skipWhitespace()
	if err := r.expect(tkCloseParen); err != nil {
		return nil, err
	}
	return n, nil
}

func (r *tokenReader) exprs() (*node, error) {
	r.skipWhitespace()
	var n *node
	var err error
	if r.peekIs(tkOpenParen) {
		r.pos++
		if n, err = r.exprs(); err != nil {
			return nil, err
		}
		r.skipWhitespace()
		if err := r.expect(tkCloseParen); err != nil {
			return nil, err
		}
	} else if n, err = r.expr(); err != nil {
		return nil, err
	}
	r.skipWhitespace()
	switch {
	case r.peekIs(tkAnd):
		r.pos++
		right, err := r.exprs()
		if err != nil {
			return nil, err
		}
		return &node{kind: nFilter, op: opAnd, left: n, right: right}, nil
	case r.peekIs(tkOr):
		r.pos++
		right, err := r.exprs()
		if err != nil {
			return nil, err
		}
		return &node{kind: nFilter, op: opOr, left: n, right: right}, nil
	default:
		return n, nil
	}
}

func comparison(k tokKind) (filterOp, bool) {
	switch k {
	case tkEqual:
		return opEqual, true
	case tkNotEqual:
		return opNotEqual, true
	case tkLess:
		return opLess, true
	case tkLessOrEqual:
		return opLessOrEqual, true
	case tkGreater:
		return opGreater, true
	case tkGreaterOrEqual:
		return opGreaterOrEqual, true
	}
	return 0, false
}

func (r *tokenReader) expr() (*node, error) {
	relative := r.peekIs(tkAt)
	left, err := r.term()
	if err != nil {
		return nil, err
	}
	r.skipWhitespace()
	t, ok := r.peek()
	if ok {
		if op, isCmp := comparison(t.kind); isCmp {
			r.pos++
			r.skipWhitespace()
			right, err := r.term()
			if err != nil {
				return nil, err
			}
			return &node{kind: nFilter, op: op, left: left, right: right}, nil
		}
	}
	if relative {
		return left, nil
	}
	return nil, errJSONPath
}

func (r *tokenReader) term() (*node, error) {
	t, ok := r.peek()
	if !ok {
		return nil, errJSONPath
	}
	switch t.kind {
	case tkAt:
		r.pos++
		rel := &node{kind: nRelative}
		if r.peekIs(tkWhitespace) {
			r.skipWhitespace()
			return rel, nil
		}
		return r.paths(rel)
	case tkAbsolute:
		return r.jsonPath()
	case tkDoubleQuoted, tkSingleQuoted:
		return r.quoteValue()
	case tkKey:
		if c := t.text[0]; c == '-' || (c >= '0' && c <= '9') {
			return r.termNumber()
		}
		return r.boolean()
	default:
		return nil, errJSONPath
	}
}

func (r *tokenReader) termNumber() (*node, error) {
	t, _ := r.next()
	text := t.text
	if r.peekIs(tkDot) {
		r.pos++
		frac, ok := r.next()
		if !ok || frac.kind != tkKey {
			return nil, errJSONPath
		}
		text += "." + frac.text
	}
	f, err := parseF64(text)
	if err != nil {
		return nil, err
	}
	return &node{kind: nNumber, num: f}, nil
}

func (r *tokenReader) boolean() (*node, error) {
	t, _ := r.next()
	switch t.text[0] {
	case 't', 'T', 'f', 'F':
		return &node{kind: nBool, b: strings.EqualFold(t.text, "true")}, nil
	}
	return nil, errJSONPath
}

// parseIsize parses a signed 64-bit decimal integer with an optional sign,
// as Rust's isize parser does.
func parseIsize(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errJSONPath
	}
	return int(n), nil
}

// parseUsize parses an unsigned decimal integer with an optional '+'.
func parseUsize(s string) (uint64, error) {
	s = strings.TrimPrefix(s, "+")
	if s == "" || s[0] == '+' {
		return 0, errJSONPath
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errJSONPath
	}
	return n, nil
}

// parseF64 parses a float the way Rust's f64 parser does, and refuses the
// values the evaluator cannot hold (NaN and infinities).
func parseF64(s string) (float64, error) {
	if strings.ContainsAny(s, "xX_pP") {
		return 0, errJSONPath
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !(errors.Is(err, strconv.ErrRange) && f == 0) {
		return 0, errJSONPath
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errJSONPath
	}
	return f, nil
}
