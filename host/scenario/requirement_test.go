package scenario

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
)

var (
	T = evidence.True
	F = evidence.False
	U = evidence.Unknown
)

func statusOf(m map[string]evidence.TriState) func(string) evidence.TriState {
	return func(id string) evidence.TriState { return m[id] } // missing → Unknown (zero value)
}

// TestKleeneTables checks And, Or and Not over every pair of tri-states.
func TestKleeneTables(t *testing.T) {
	vals := []evidence.TriState{T, F, U}
	and := map[[2]evidence.TriState]evidence.TriState{
		{T, T}: T, {T, F}: F, {T, U}: U, {F, T}: F, {F, F}: F, {F, U}: F, {U, T}: U, {U, F}: F, {U, U}: U,
	}
	or := map[[2]evidence.TriState]evidence.TriState{
		{T, T}: T, {T, F}: T, {T, U}: T, {F, T}: T, {F, F}: F, {F, U}: U, {U, T}: T, {U, F}: U, {U, U}: U,
	}
	for _, a := range vals {
		for _, b := range vals {
			st := statusOf(map[string]evidence.TriState{"a": a, "b": b})
			r := And(Cond("a"), Cond("b"))
			if got, _ := r.Eval(st, nil); got != and[[2]evidence.TriState{a, b}] {
				t.Errorf("And(%v,%v) = %v", a, b, got)
			}
			r = Or(Cond("a"), Cond("b"))
			if got, _ := r.Eval(st, nil); got != or[[2]evidence.TriState{a, b}] {
				t.Errorf("Or(%v,%v) = %v", a, b, got)
			}
		}
		r := Not(Cond("a"))
		if got, _ := r.Eval(statusOf(map[string]evidence.TriState{"a": a}), nil); got != a.Not() {
			t.Errorf("Not(%v) = %v", a, got)
		}
	}
	if got, _ := (&Requirement{Op: ReqAnd}).Eval(statusOf(nil), nil); got != T {
		t.Errorf("empty And = %v, want True", got)
	}
	if got, _ := (&Requirement{Op: ReqOr}).Eval(statusOf(nil), nil); got != F {
		t.Errorf("empty Or = %v, want False", got)
	}
}

func TestRequireGroup(t *testing.T) {
	cases := []struct {
		name string
		min  uint8
		kids []evidence.TriState
		want evidence.TriState
	}{
		{"min 0", 0, []evidence.TriState{F, F}, T},
		{"satisfied", 2, []evidence.TriState{T, T, F}, T},
		{"impossible", 2, []evidence.TriState{T, F, F}, F},
		{"undecided", 2, []evidence.TriState{T, U, F}, U},
		{"min exceeds count", 3, []evidence.TriState{T, T}, F},
		{"all unknown", 1, []evidence.TriState{U, U}, U},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]evidence.TriState{}
			var kids []Requirement
			for i, s := range tc.kids {
				id := string(rune('a' + i))
				m[id] = s
				kids = append(kids, Cond(id))
			}
			g := Group(tc.min, kids...)
			if got, _ := g.Eval(statusOf(m), nil); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvalTraceNoShortCircuit(t *testing.T) {
	r := And(Cond("a"), Or(Cond("b"), Cond("a")), Not(Cond("c")))
	st := statusOf(map[string]evidence.TriState{"a": F, "b": T, "c": T})
	got, trace := r.Eval(st, nil)
	if got != F {
		t.Fatalf("status %v", got)
	}
	want := []TraceEntry{{"a", F}, {"b", T}, {"a", F}, {"c", T}}
	if len(trace) != len(want) {
		t.Fatalf("trace %v", trace)
	}
	for i := range want {
		if trace[i] != want[i] {
			t.Fatalf("trace[%d] = %v, want %v", i, trace[i], want[i])
		}
	}
}

func TestEvalDepthCap(t *testing.T) {
	r := Cond("a")
	for i := 0; i < MaxEvalDepth; i++ {
		r = Not(Not(r))
		if r.Depth() >= MaxEvalDepth {
			break
		}
	}
	st := statusOf(map[string]evidence.TriState{"a": T})
	if r.Depth() != MaxEvalDepth {
		t.Fatalf("depth %d", r.Depth())
	}
	if got, _ := r.Eval(st, nil); got != T {
		t.Fatalf("depth %d: got %v", r.Depth(), got)
	}
	deeper := Not(Not(r))
	got, trace := deeper.Eval(st, nil)
	if got != U || len(trace) != 0 {
		t.Fatalf("depth %d: got %v trace %v, want Unknown with no trace", deeper.Depth(), got, trace)
	}
}

func TestRequirementJSON(t *testing.T) {
	in := `{"And":[{"Condition":"a"},{"Or":[{"Not":{"Condition":"b"}},{"RequireGroup":{"min":1,"reqs":[{"Condition":"c"}]}}]}]}`
	var r Requirement
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("round trip:\n got %s\nwant %s", out, in)
	}
	bad := map[string]string{
		`{"Xor":[]}`:                             "unknown variant `Xor`",
		`{"And":[],"Or":[]}`:                     "exactly one",
		`{"RequireGroup":{"reqs":[]}}`:           "missing field `min`",
		`{"RequireGroup":{"min":300,"reqs":[]}}`: "RequireGroup",
		`{"Condition":5}`:                        "condition id string",
		`[]`:                                     "expected an object",
	}
	for in, want := range bad {
		var r Requirement
		if err := json.Unmarshal([]byte(in), &r); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	// A 10-condition tree with evidence in hand.
	kids := make([]Requirement, 0, 10)
	ids := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}
	for _, id := range ids[:4] {
		kids = append(kids, Cond(id))
	}
	r := And(append(kids,
		Or(Cond("c4"), Cond("c5")),
		Not(Cond("c6")),
		Group(2, Cond("c7"), Cond("c8"), Cond("c9")))...)
	status := [10]evidence.TriState{T, T, T, T, F, T, F, T, U, T}
	lookup := func(id string) evidence.TriState { return status[id[1]-'0'] }
	trace := make([]TraceEntry, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		s, tr := r.Eval(lookup, trace[:0])
		if s != T || len(tr) != 10 {
			b.Fatal(s, len(tr))
		}
	}
}
