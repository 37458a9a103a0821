package store

import (
	"bytes"
	"fmt"

	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/scenario"
)

// Why compose the canonical JSON of a run state?
//
// A run's lists only grow, and every save stores the whole state, so a
// naive save re-encodes every record the run ever had: for a run a few
// dozen decisions long that is most of the CPU a decision costs. RFC 8785
// is compositional (an array's canonical form is its elements' canonical
// forms joined by commas, and an object's is its members in key order with
// canonical values), so the store encodes the small scalar part of the
// state on its own, keeps the canonical bytes of each list from the
// version it loaded, and encodes only the records appended since. The
// result is byte-for-byte canonjson.Marshal(state); the tests check that
// on every save of randomised runs.

// appendOnly lists the append-only lists of a run state by JSON name.
var appendOnly = [numLists]struct {
	name string
	enc  func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error)
}{
	{"decisions", func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error) {
		return appendElems(dst, st.Decisions, from)
	}},
	{"gate_evals", func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error) {
		return appendElems(dst, st.GateEvals, from)
	}},
	{"packets", func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error) {
		return appendElems(dst, st.Packets, from)
	}},
	{"submissions", func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error) {
		return appendElems(dst, st.Submissions, from)
	}},
	{"tool_calls", func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error) {
		return appendElems(dst, st.ToolCalls, from)
	}},
	{"triggers", func(dst []byte, st *scenario.RunState, from int) ([]byte, int, error) {
		return appendElems(dst, st.Triggers, from)
	}},
}

const numLists = 6

// encoded locates, in the blob of a version, the canonical encodings of
// the first lens[i] elements of each append-only list, joined by commas
// (without brackets): blob[spans[i][0]:spans[i][1]]. The next version
// copies them from there, so a save copies the run's records once, into
// its own blob.
type encoded struct {
	blob  []byte // never modified
	spans [numLists][2]int
	lens  [numLists]int
}

// list returns the encodings of list i.
func (e *encoded) list(i int) []byte { return e.blob[e.spans[i][0]:e.spans[i][1]] }

// appendElems appends the canonical encodings of list[from:] to dst,
// comma-separated (with a leading comma when from > 0).
func appendElems[T any](dst []byte, list []T, from int) ([]byte, int, error) {
	for i := from; i < len(list); i++ {
		b, err := canonjson.Marshal(&list[i])
		if err != nil {
			return nil, 0, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, b...)
	}
	return dst, len(list), nil
}

// encodeRun returns the canonical JSON of st and where its lists lie in
// it. When prev describes a version st was derived from by appending (the
// caller guarantees it), only the new records are encoded.
func encodeRun(st *scenario.RunState, prev *encoded) ([]byte, *encoded, error) {
	skel := *st
	skel.Triggers, skel.GateEvals, skel.Decisions = nil, nil, nil
	skel.Packets, skel.Submissions, skel.ToolCalls = nil, nil, nil
	sk, err := canonjson.Marshal(&skel)
	if err != nil {
		return nil, nil, err
	}
	next := &encoded{}
	var parts [numLists][2][]byte // per list: the encodings prev has, the new ones
	size := len(sk)
	for i, f := range appendOnly {
		from := 0
		if prev != nil && prev.lens[i] > 0 {
			parts[i][0], from = prev.list(i), prev.lens[i]
		}
		added, n, err := f.enc(nil, st, from)
		if err != nil {
			return nil, nil, err
		}
		if n < from {
			return nil, nil, fmt.Errorf("store: %s shrank from %d to %d records", f.name, from, n)
		}
		parts[i][1], next.lens[i] = added, n
		size += len(parts[i][0]) + len(added)
	}
	if err := splice(sk, &parts, size, next); err != nil {
		return nil, nil, err
	}
	return next.blob, next, nil
}

// splice fills each empty `"name":[]` of the skeleton with the parts of
// its list, into next.blob (of capacity size), and records where each list
// landed. In canonical JSON a string's quote is always escaped inside a
// string, so the byte sequence `"name":[]` can only be the member itself;
// it must occur exactly once.
func splice(sk []byte, parts *[numLists][2][]byte, size int, next *encoded) error {
	type hole struct{ at, list int }
	var holes []hole
	for i, f := range appendOnly {
		pat := []byte(`"` + f.name + `":[]`)
		at := bytes.Index(sk, pat)
		if at < 0 || bytes.Index(sk[at+len(pat):], pat) >= 0 {
			return fmt.Errorf("store: run state member %q not found exactly once", f.name)
		}
		holes = append(holes, hole{at + len(pat) - 1, i}) // the position of ']'
	}
	out := make([]byte, 0, size)
	last := 0
	for len(holes) > 0 {
		// Take the holes in position order (keys are sorted, so this is
		// nearly always table order).
		min := 0
		for j := range holes {
			if holes[j].at < holes[min].at {
				min = j
			}
		}
		h := holes[min]
		holes = append(holes[:min], holes[min+1:]...)
		out = append(out, sk[last:h.at]...)
		start := len(out)
		out = append(out, parts[h.list][0]...)
		out = append(out, parts[h.list][1]...)
		next.spans[h.list] = [2]int{start, len(out)}
		last = h.at
	}
	next.blob = append(out, sk[last:]...)
	return nil
}
