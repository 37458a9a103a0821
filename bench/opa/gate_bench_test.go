package opa

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/open-policy-agent/opa/v1/rego"
)

// The gate: four requirements over evidence, all of which must hold.
//
//	env == "production", tests == true, coverage >= 80, freeze == false
type requirement struct {
	id       string
	cmp      evidence.Comparator
	expected json.RawMessage
}

var requirements = []requirement{
	{"env", evidence.Equals, json.RawMessage(`"production"`)},
	{"tests", evidence.Equals, json.RawMessage(`true`)},
	{"coverage", evidence.GreaterThanOrEqual, json.RawMessage(`80`)},
	{"freeze", evidence.Equals, json.RawMessage(`false`)},
}

var passing = map[string]json.RawMessage{
	"env": json.RawMessage(`"production"`), "tests": json.RawMessage(`true`),
	"coverage": json.RawMessage(`92.5`), "freeze": json.RawMessage(`false`),
}

const module = `package gate

import rego.v1

satisfied(r) if {
	r.op == "eq"
	input.evidence[r.id] == r.expected
}

satisfied(r) if {
	r.op == "gte"
	input.evidence[r.id] >= r.expected
}

allow if {
	every r in input.requirements { satisfied(r) }
}
`

// dgGate is the same gate as a requirement tree plus comparators.
type dgGate struct {
	tree  scenario.Requirement
	conds []requirement
}

func newDGGate() *dgGate {
	kids := make([]scenario.Requirement, len(requirements))
	for i, r := range requirements {
		kids[i] = scenario.Cond(r.id)
	}
	return &dgGate{tree: scenario.And(kids...), conds: requirements}
}

// eval evaluates every comparator over the decoded evidence, then the tree.
func (g *dgGate) eval(ev map[string]json.RawMessage, status []evidence.TriState, trace []scenario.TraceEntry) evidence.TriState {
	for i, r := range g.conds {
		v := evidence.Value{Kind: evidence.JSONValue, JSON: ev[r.id]}
		status[i] = compare.Evaluate(r.cmp, &v, r.expected)
	}
	lookup := func(id string) evidence.TriState {
		for i := range g.conds {
			if g.conds[i].id == id {
				return status[i]
			}
		}
		return evidence.Unknown
	}
	s, _ := g.tree.Eval(lookup, trace[:0])
	return s
}

func opaInput(ev map[string]json.RawMessage) map[string]any {
	dec := map[string]any{}
	for k, v := range ev {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			panic(err)
		}
		dec[k] = x
	}
	reqs := []any{}
	for _, r := range requirements {
		var exp any
		json.Unmarshal(r.expected, &exp)
		op := "eq"
		if r.cmp == evidence.GreaterThanOrEqual {
			op = "gte"
		}
		reqs = append(reqs, map[string]any{"id": r.id, "op": op, "expected": exp})
	}
	return map[string]any{"evidence": dec, "requirements": reqs}
}

func prepare(tb testing.TB) rego.PreparedEvalQuery {
	q, err := rego.New(rego.Query("data.gate.allow"), rego.Module("gate.rego", module)).PrepareForEval(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

func opaAllows(tb testing.TB, q rego.PreparedEvalQuery, in map[string]any) bool {
	rs, err := q.Eval(context.Background(), rego.EvalInput(in))
	if err != nil {
		tb.Fatal(err)
	}
	return len(rs) == 1 && rs[0].Expressions[0].Value == true
}

// TestSameVerdicts checks both implementations agree on passing and failing
// evidence before any timing is trusted.
func TestSameVerdicts(t *testing.T) {
	q := prepare(t)
	g := newDGGate()
	status := make([]evidence.TriState, len(requirements))
	trace := make([]scenario.TraceEntry, 0, 8)
	failing := map[string]json.RawMessage{}
	for k, v := range passing {
		failing[k] = v
	}
	failing["coverage"] = json.RawMessage(`79.9`)
	for _, tc := range []struct {
		ev   map[string]json.RawMessage
		want bool
	}{{passing, true}, {failing, false}} {
		if got := g.eval(tc.ev, status, trace) == evidence.True; got != tc.want {
			t.Fatalf("decision gate: %v, want %v", got, tc.want)
		}
		if got := opaAllows(t, q, opaInput(tc.ev)); got != tc.want {
			t.Fatalf("opa: %v, want %v", got, tc.want)
		}
	}
}

func BenchmarkGate(b *testing.B) {
	b.Run("decision-gate", func(b *testing.B) {
		g := newDGGate()
		status := make([]evidence.TriState, len(requirements))
		trace := make([]scenario.TraceEntry, 0, 8)
		b.ReportAllocs()
		for b.Loop() {
			if g.eval(passing, status, trace) != evidence.True {
				b.Fatal("gate did not pass")
			}
		}
	})
	b.Run("opa-prepared-rego", func(b *testing.B) {
		q := prepare(b)
		in := opaInput(passing)
		b.ReportAllocs()
		for b.Loop() {
			if !opaAllows(b, q, in) {
				b.Fatal("gate did not pass")
			}
		}
	})
}
