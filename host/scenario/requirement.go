package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/decision-gate/dgw/host/evidence"
)

// MaxEvalDepth is the deepest requirement node evaluated (root = 0). A
// deeper tree makes the whole gate Unknown.
const MaxEvalDepth = 32

// ReqOp is the kind of a requirement node.
type ReqOp uint8

// The node kinds.
const (
	ReqAnd ReqOp = iota + 1
	ReqOr
	ReqNot
	ReqGroup
	ReqCondition
)

// Requirement is a node of a requirement tree. On the wire it is externally
// tagged: {"And":[..]}, {"Or":[..]}, {"Not":{..}},
// {"RequireGroup":{"min":N,"reqs":[..]}}, {"Condition":"id"}.
type Requirement struct {
	Op          ReqOp
	Children    []Requirement // And, Or, RequireGroup; Not has exactly one
	Min         uint8         // RequireGroup
	ConditionID string        // Condition
}

// And, Or, Not, Group and Cond build requirement nodes.
func And(kids ...Requirement) Requirement { return Requirement{Op: ReqAnd, Children: kids} }

// Or builds an Or node.
func Or(kids ...Requirement) Requirement { return Requirement{Op: ReqOr, Children: kids} }

// Not builds a Not node.
func Not(kid Requirement) Requirement { return Requirement{Op: ReqNot, Children: []Requirement{kid}} }

// Group builds a RequireGroup node.
func Group(min uint8, kids ...Requirement) Requirement {
	return Requirement{Op: ReqGroup, Min: min, Children: kids}
}

// Cond builds a Condition leaf.
func Cond(id string) Requirement { return Requirement{Op: ReqCondition, ConditionID: id} }

// TraceEntry records one condition leaf visit.
type TraceEntry struct {
	ConditionID string            `json:"condition_id"`
	Status      evidence.TriState `json:"status"`
}

// Eval evaluates the tree with strong-Kleene logic. Every child is visited
// left to right (no short-circuit), and each Condition leaf visit is appended
// to trace, so a condition referenced twice appears twice. status gives each
// condition's value; it must return Unknown for a missing condition.
// A tree deeper than [MaxEvalDepth] evaluates to Unknown with no trace.
func (r *Requirement) Eval(status func(id string) evidence.TriState, trace []TraceEntry) (evidence.TriState, []TraceEntry) {
	if r.Depth() > MaxEvalDepth {
		return evidence.Unknown, trace
	}
	return r.eval(status, trace)
}

func (r *Requirement) eval(status func(string) evidence.TriState, trace []TraceEntry) (evidence.TriState, []TraceEntry) {
	switch r.Op {
	case ReqCondition:
		s := status(r.ConditionID)
		return s, append(trace, TraceEntry{ConditionID: r.ConditionID, Status: s})
	case ReqNot:
		if len(r.Children) != 1 {
			return evidence.Unknown, trace
		}
		s, trace := r.Children[0].eval(status, trace)
		return s.Not(), trace
	case ReqAnd:
		acc := evidence.True
		for i := range r.Children {
			var s evidence.TriState
			s, trace = r.Children[i].eval(status, trace)
			switch {
			case s == evidence.False:
				acc = evidence.False
			case s == evidence.Unknown && acc == evidence.True:
				acc = evidence.Unknown
			}
		}
		return acc, trace
	case ReqOr:
		acc := evidence.False
		for i := range r.Children {
			var s evidence.TriState
			s, trace = r.Children[i].eval(status, trace)
			switch {
			case s == evidence.True:
				acc = evidence.True
			case s == evidence.Unknown && acc == evidence.False:
				acc = evidence.Unknown
			}
		}
		return acc, trace
	case ReqGroup:
		sat, unk := 0, 0
		for i := range r.Children {
			var s evidence.TriState
			s, trace = r.Children[i].eval(status, trace)
			switch s {
			case evidence.True:
				sat++
			case evidence.Unknown:
				unk++
			}
		}
		min := int(r.Min)
		switch {
		case min == 0 || sat >= min:
			return evidence.True, trace
		case sat+unk < min:
			return evidence.False, trace
		}
		return evidence.Unknown, trace
	}
	return evidence.Unknown, trace
}

// Depth returns the depth of the deepest node (a lone leaf is 0).
func (r *Requirement) Depth() int {
	d := 0
	for i := range r.Children {
		if cd := r.Children[i].Depth() + 1; cd > d {
			d = cd
		}
	}
	return d
}

// ConditionIDs appends the condition ids of the tree's leaves in first
// occurrence order, skipping ids already in seen.
func (r *Requirement) ConditionIDs(dst []string, seen map[string]bool) []string {
	if r.Op == ReqCondition {
		if !seen[r.ConditionID] {
			seen[r.ConditionID] = true
			dst = append(dst, r.ConditionID)
		}
		return dst
	}
	for i := range r.Children {
		dst = r.Children[i].ConditionIDs(dst, seen)
	}
	return dst
}

// Walk calls fn for each Condition leaf.
func (r *Requirement) Walk(fn func(conditionID string)) {
	if r.Op == ReqCondition {
		fn(r.ConditionID)
		return
	}
	for i := range r.Children {
		r.Children[i].Walk(fn)
	}
}

// MarshalJSON implements [json.Marshaler].
func (r Requirement) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := r.appendJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (r *Requirement) appendJSON(buf *bytes.Buffer) error {
	list := func(key string) error {
		buf.WriteString(`{"` + key + `":[`)
		for i := range r.Children {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := r.Children[i].appendJSON(buf); err != nil {
				return err
			}
		}
		buf.WriteString("]}")
		return nil
	}
	switch r.Op {
	case ReqAnd:
		return list("And")
	case ReqOr:
		return list("Or")
	case ReqNot:
		if len(r.Children) != 1 {
			return fmt.Errorf("scenario: Not node needs exactly one child")
		}
		buf.WriteString(`{"Not":`)
		if err := r.Children[0].appendJSON(buf); err != nil {
			return err
		}
		buf.WriteByte('}')
		return nil
	case ReqGroup:
		buf.WriteString(`{"RequireGroup":{"min":` + strconv.Itoa(int(r.Min)) + `,"reqs":[`)
		for i := range r.Children {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := r.Children[i].appendJSON(buf); err != nil {
				return err
			}
		}
		buf.WriteString("]}}")
		return nil
	case ReqCondition:
		id, err := json.Marshal(r.ConditionID)
		if err != nil {
			return err
		}
		buf.WriteString(`{"Condition":`)
		buf.Write(id)
		buf.WriteByte('}')
		return nil
	}
	return fmt.Errorf("scenario: requirement node has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (r *Requirement) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return fmt.Errorf("requirement: expected an object with one of And, Or, Not, RequireGroup, Condition")
	}
	if len(m) != 1 {
		return fmt.Errorf("requirement: expected exactly one of And, Or, Not, RequireGroup, Condition, got %d keys", len(m))
	}
	for key, raw := range m {
		switch key {
		case "And", "Or":
			var kids []Requirement
			if err := json.Unmarshal(raw, &kids); err != nil {
				return fmt.Errorf("requirement.%s: %w", key, err)
			}
			op := ReqAnd
			if key == "Or" {
				op = ReqOr
			}
			*r = Requirement{Op: op, Children: kids}
		case "Not":
			var kid Requirement
			if err := json.Unmarshal(raw, &kid); err != nil {
				return fmt.Errorf("requirement.Not: %w", err)
			}
			*r = Not(kid)
		case "RequireGroup":
			var g struct {
				Min  *uint8         `json:"min"`
				Reqs *[]Requirement `json:"reqs"`
			}
			if err := json.Unmarshal(raw, &g); err != nil {
				return fmt.Errorf("requirement.RequireGroup: %w", err)
			}
			if g.Min == nil {
				return fmt.Errorf("requirement.RequireGroup: missing field `min`")
			}
			if g.Reqs == nil {
				return fmt.Errorf("requirement.RequireGroup: missing field `reqs`")
			}
			*r = Group(*g.Min, *g.Reqs...)
		case "Condition":
			var id string
			if err := json.Unmarshal(raw, &id); err != nil {
				return fmt.Errorf("requirement.Condition: expected a condition id string")
			}
			*r = Cond(id)
		default:
			return fmt.Errorf("requirement: unknown variant `%s`, expected one of `And`, `Or`, `Not`, `RequireGroup`, `Condition`", key)
		}
	}
	return nil
}
