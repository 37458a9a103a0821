package main

import (
	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

// This file holds the selection and comparison operations of the JSONPath
// machine (see jsonpath_eval.go).

// walk visits every value under the roots in pre-order (a value, then its
// children in order) and appends what fn returns for each.
func walk(roots []*jsonv.Value, fn func(*jsonv.Value) []*jsonv.Value) []*jsonv.Value {
	out := []*jsonv.Value{}
	var rec func(v *jsonv.Value)
	rec = func(v *jsonv.Value) {
		out = append(out, fn(v)...)
		for _, c := range children(v) {
			rec(c)
		}
	}
	for _, r := range roots {
		rec(r)
	}
	return out
}

// children returns the elements of an array or the member values of an
// object, in order.
func children(v *jsonv.Value) []*jsonv.Value {
	switch v.Kind {
	case jsonv.Array:
		return v.Arr
	case jsonv.Object:
		out := make([]*jsonv.Value, v.Obj.Len())
		for i := range out {
			_, out[i] = v.Obj.At(i)
		}
		return out
	}
	return nil
}

func hasKey(v *jsonv.Value, key string) bool {
	if v.Kind != jsonv.Object {
		return false
	}
	_, ok := v.Obj.Get(key)
	return ok
}

// collectAll: "..*" — every descendant.
func (s *selector) collectAll() {
	if !s.hasCurrent {
		return
	}
	s.current = walk(s.current, children)
}

// collectAllWithStr: "..key" — the key's value in every descendant object.
func (s *selector) collectAllWithStr(key string) {
	if !s.hasCurrent {
		return
	}
	s.current = walk(s.current, func(v *jsonv.Value) []*jsonv.Value {
		if v.Kind == jsonv.Object {
			if c, ok := v.Obj.Get(key); ok {
				return []*jsonv.Value{c}
			}
		}
		return nil
	})
}

// collectAllWithNum: "..[n]" — element n of every descendant array; a
// negative index reads element 0.
func (s *selector) collectAllWithNum(index float64) {
	if !s.hasCurrent {
		return
	}
	i := floatToUsize(index)
	s.current = walk(s.current, func(v *jsonv.Value) []*jsonv.Value {
		if v.Kind == jsonv.Array && i < uint64(len(v.Arr)) {
			return []*jsonv.Value{v.Arr[i]}
		}
		return nil
	})
}

// collectNextAll: ".*" and "[*]" — the children of each current value.
func (s *selector) collectNextAll() {
	if !s.hasCurrent {
		return
	}
	out := []*jsonv.Value{}
	for _, v := range s.current {
		out = append(out, children(v)...)
	}
	s.current = out
}

// collectNextWithStr: ".key", "['key']" and "['a','b']" — the keys' values
// in each current object. An empty result also drops the top filter term.
func (s *selector) collectNextWithStr(keys []string) {
	if !s.hasCurrent {
		return
	}
	out := []*jsonv.Value{}
	for _, v := range s.current {
		if v.Kind != jsonv.Object {
			continue
		}
		for _, k := range keys {
			if c, ok := v.Obj.Get(k); ok {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		s.popTerm()
	}
	s.current = out
}

// collectNextWithNum: "[n]" — element n of each current array, and of each
// array-valued member of each current object. An empty result also drops
// the top filter term.
func (s *selector) collectNextWithNum(index float64) {
	if !s.hasCurrent {
		return
	}
	n := floatToIsize(index)
	out := []*jsonv.Value{}
	pick := func(arr []*jsonv.Value) {
		if i := absIndex(n, len(arr)); i < len(arr) {
			out = append(out, arr[i])
		}
	}
	for _, v := range s.current {
		switch v.Kind {
		case jsonv.Object:
			for i := 0; i < v.Obj.Len(); i++ {
				if _, c := v.Obj.At(i); c.Kind == jsonv.Array {
					pick(c.Arr)
				}
			}
		case jsonv.Array:
			pick(v.Arr)
		}
	}
	if len(out) == 0 {
		s.popTerm()
	}
	s.current = out
}

// filterFn computes a filtered operand from vec, recording in notMatched
// the positions of vec that did not match.
type filterFn func(vec []*jsonv.Value, notMatched map[int]bool) ([]*jsonv.Value, keyFilter)

// filter applies fn to the top filter term: to the current values when it
// is an open context, to the term's values otherwise.
func (s *selector) filter(fn filterFn) {
	t, ok := s.popTerm()
	if !ok {
		return
	}
	if t == nil {
		if s.hasCurrent {
			tmp, fk := fn(s.current, map[int]bool{})
			s.pushTerm(&term{kind: termJSON, fk: fk, vec: tmp})
		}
		return
	}
	if t.kind != termJSON {
		panic(errUnsupported)
	}
	in := t.vec
	if t.fk.set && !t.fk.all {
		in = make([]*jsonv.Value, len(t.vec))
		for i, v := range t.vec {
			in[i] = v
			if v.Kind == jsonv.Object {
				if c, ok := v.Obj.Get(t.fk.key); ok {
					in[i] = c
				}
			}
		}
	}
	notMatched := map[int]bool{}
	tmp, fk := fn(in, notMatched)
	if t.hasRel {
		s.pushTerm(&term{kind: termJSON, rel: t.rel, hasRel: true, fk: fk, vec: tmp})
		return
	}
	kept := []*jsonv.Value{}
	for i, v := range t.vec {
		if !notMatched[i] {
			kept = append(kept, v)
		}
	}
	s.pushTerm(&term{kind: termJSON, rel: kept, hasRel: true, fk: fk, vec: tmp})
}

// filterAllWithStr: "@..key" — every descendant object that has key.
func (s *selector) filterAllWithStr(key string) {
	s.filter(func(vec []*jsonv.Value, _ map[int]bool) ([]*jsonv.Value, keyFilter) {
		return walk(vec, func(v *jsonv.Value) []*jsonv.Value {
			if hasKey(v, key) {
				return []*jsonv.Value{v}
			}
			return nil
		}), keyFilter{set: true, all: true}
	})
}

// filterNextWithStr: "@.key" — the objects that have key: each value itself,
// or for arrays the objects found in them (nested arrays included), each
// object once.
func (s *selector) filterNextWithStr(key string) {
	s.filter(func(vec []*jsonv.Value, notMatched map[int]bool) ([]*jsonv.Value, keyFilter) {
		out := []*jsonv.Value{}
		seen := map[*jsonv.Value]bool{}
		add := func(v *jsonv.Value) {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		var inArrays func(v *jsonv.Value)
		inArrays = func(v *jsonv.Value) {
			switch v.Kind {
			case jsonv.Object:
				if hasKey(v, key) {
					add(v)
				}
			case jsonv.Array:
				for _, e := range v.Arr {
					inArrays(e)
				}
			}
		}
		for i, v := range vec {
			switch v.Kind {
			case jsonv.Object:
				if hasKey(v, key) {
					add(v)
				} else {
					notMatched[i] = true
				}
			case jsonv.Array:
				notMatched[i] = true
				for _, e := range v.Arr {
					inArrays(e)
				}
			default:
				notMatched[i] = true
			}
		}
		return out, keyFilter{set: true, key: key}
	})
}

// floatToIsize converts like Rust's `as isize`: truncate, saturate.
func floatToIsize(f float64) int {
	switch {
	case f != f:
		return 0
	case f >= 9.223372036854775807e18:
		return int(^uint(0) >> 1)
	case f <= -9.223372036854775808e18:
		return -int(^uint(0)>>1) - 1
	}
	return int(f)
}

// floatToUsize converts like Rust's `as usize`: truncate, saturate at 0.
func floatToUsize(f float64) uint64 {
	switch {
	case f != f || f <= 0:
		return 0
	case f >= 1.8446744073709551615e19:
		return ^uint64(0)
	}
	return uint64(f)
}
