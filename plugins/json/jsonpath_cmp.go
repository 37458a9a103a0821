package main

import (
	"math"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

// This file compares filter operands as jsonpath_lib 0.3 does. A comparison
// of two literals gives a boolean; a comparison involving a JSON term keeps
// the values of the term that satisfy it (objects are compared through the
// key the term was filtered on). "&&" intersects and "||" unites JSON terms.

// cmpFuncs is one comparison operator.
type cmpFuncs struct {
	boolean func(a, b bool) bool
	number  func(a, b float64) bool
	str     func(a, b string) bool
	json    func(a, b []*jsonv.Value) []*jsonv.Value
}

func noJSON(a, b []*jsonv.Value) []*jsonv.Value { return []*jsonv.Value{} }

func jsonEqual(a, b []*jsonv.Value) []*jsonv.Value {
	out := []*jsonv.Value{}
	for _, x := range a {
		for _, y := range b {
			if jsonv.Equal(x, y) {
				out = append(out, x)
			}
		}
	}
	return out
}

func jsonNotEqual(a, b []*jsonv.Value) []*jsonv.Value {
	out := []*jsonv.Value{}
	for _, x := range a {
		for _, y := range b {
			if !jsonv.Equal(x, y) {
				out = append(out, x)
			}
		}
	}
	return out
}

// jsonUnion concatenates a and b and keeps the first of equal values.
func jsonUnion(a, b []*jsonv.Value) []*jsonv.Value {
	out := []*jsonv.Value{}
outer:
	for _, x := range append(append([]*jsonv.Value(nil), a...), b...) {
		for _, y := range out {
			if jsonv.Equal(x, y) {
				continue outer
			}
		}
		out = append(out, x)
	}
	return out
}

var (
	cmpEqual = cmpFuncs{
		boolean: func(a, b bool) bool { return a == b },
		number:  func(a, b float64) bool { return math.Abs(a-b) == 0 },
		str:     func(a, b string) bool { return a == b },
		json:    jsonEqual,
	}
	cmpNotEqual = cmpFuncs{
		boolean: func(a, b bool) bool { return a != b },
		number:  func(a, b float64) bool { return math.Abs(a-b) != 0 },
		str:     func(a, b string) bool { return a != b },
		json:    jsonNotEqual,
	}
	cmpGreater = cmpFuncs{
		boolean: func(a, b bool) bool { return a && !b },
		number:  func(a, b float64) bool { return a > b },
		str:     func(a, b string) bool { return a > b },
		json:    noJSON,
	}
	cmpGreaterOrEqual = cmpFuncs{
		boolean: func(a, b bool) bool { return a || !b },
		number:  func(a, b float64) bool { return a >= b },
		str:     func(a, b string) bool { return a >= b },
		json:    noJSON,
	}
	cmpLess = cmpFuncs{
		boolean: func(a, b bool) bool { return !a && b },
		number:  func(a, b float64) bool { return a < b },
		str:     func(a, b string) bool { return a < b },
		json:    noJSON,
	}
	cmpLessOrEqual = cmpFuncs{
		boolean: func(a, b bool) bool { return !a || b },
		number:  func(a, b float64) bool { return a <= b },
		str:     func(a, b string) bool { return a <= b },
		json:    noJSON,
	}
	cmpAnd = cmpFuncs{
		boolean: func(a, b bool) bool { return a && b },
		number:  func(a, b float64) bool { return true },
		str:     func(a, b string) bool { return a != "" && b != "" },
		json:    jsonEqual,
	}
	cmpOr = cmpFuncs{
		boolean: func(a, b bool) bool { return a || b },
		number:  func(a, b float64) bool { return true },
		str:     func(a, b string) bool { return a != "" || b != "" },
		json:    jsonUnion,
	}
)

// operators returns the comparison for op and the one to use when the
// operands are swapped.
func operators(op filterOp) (cmpFuncs, cmpFuncs) {
	switch op {
	case opEqual:
		return cmpEqual, cmpEqual
	case opNotEqual:
		return cmpNotEqual, cmpNotEqual
	case opGreater:
		return cmpGreater, cmpLess
	case opGreaterOrEqual:
		return cmpGreaterOrEqual, cmpLessOrEqual
	case opLess:
		return cmpLess, cmpGreater
	case opLessOrEqual:
		return cmpLessOrEqual, cmpGreaterOrEqual
	case opAnd:
		return cmpAnd, cmpAnd
	default:
		return cmpOr, cmpOr
	}
}

func compareTerms(left, right *term, op filterOp) *term {
	fn, rev := operators(op)
	return compare(left, right, fn, rev)
}

func boolTerm(b bool) *term { return &term{kind: termBool, b: b} }

func compare(a, b *term, fn, rev cmpFuncs) *term {
	switch a.kind {
	case termString:
		switch b.kind {
		case termString:
			return boolTerm(fn.str(a.s, b.s))
		case termJSON:
			return compare(b, a, rev, fn)
		}
		return boolTerm(false)
	case termNumber:
		switch b.kind {
		case termNumber:
			return boolTerm(fn.number(a.num.Float64(), b.num.Float64()))
		case termJSON:
			return compare(b, a, rev, fn)
		}
		return boolTerm(false)
	case termBool:
		switch b.kind {
		case termBool:
			return boolTerm(fn.boolean(a.b, b.b))
		case termJSON:
			return compare(b, a, rev, fn)
		}
		return boolTerm(false)
	}
	// a is a JSON term.
	var ret []*jsonv.Value
	if b.kind == termJSON {
		switch {
		case a.hasRel:
			ret = fn.json(a.rel, b.vec)
		case b.hasRel:
			ret = fn.json(a.vec, b.rel)
		default:
			ret = fn.json(a.vec, b.vec)
		}
	} else {
		ret = []*jsonv.Value{}
		for _, v := range a.vec {
			if literalMatch(v, a.fk, b, fn) {
				ret = append(ret, v)
			}
		}
	}
	if len(ret) == 0 {
		return boolTerm(false)
	}
	if !a.hasRel {
		return &term{kind: termJSON, vec: ret}
	}
	if b.kind == termJSON {
		return &term{kind: termJSON, rel: a.rel, hasRel: true, vec: ret}
	}
	// Map the matches back to the context objects that hold them.
	back := []*jsonv.Value{}
	for _, r := range a.rel {
		if r.Kind != jsonv.Object {
			continue
		}
		for i := 0; i < r.Obj.Len(); i++ {
			_, mv := r.Obj.At(i)
			for _, x := range ret {
				if jsonv.Equal(mv, x) {
					back = append(back, r)
				}
			}
		}
	}
	return &term{kind: termJSON, rel: back, hasRel: true, vec: ret}
}

// literalMatch compares one value of a JSON term with a literal operand.
func literalMatch(v *jsonv.Value, fk keyFilter, lit *term, fn cmpFuncs) bool {
	if v.Kind == jsonv.Object {
		if !fk.set || fk.all {
			return false
		}
		c, ok := v.Obj.Get(fk.key)
		if !ok {
			return false
		}
		v = c
		switch lit.kind {
		case termString:
			if v.Kind != jsonv.String {
				return false
			}
		case termNumber:
			if v.Kind != jsonv.Number {
				return false
			}
		case termBool:
			if v.Kind != jsonv.Bool {
				return false
			}
		}
	}
	switch lit.kind {
	case termString:
		return v.Kind == jsonv.String && fn.str(v.S, lit.s)
	case termNumber:
		return v.Kind == jsonv.Number && fn.number(v.N.Float64(), lit.num.Float64())
	default:
		return v.Kind == jsonv.Bool && fn.boolean(v.B, lit.b)
	}
}
