package scenario

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one finding of [Spec.Validate] or [Spec.Lint], at a JSON path.
type Problem struct {
	Path string // "$.stages[1].gates[0].requirement"
	Msg  string
}

func (p Problem) String() string { return p.Path + ": " + p.Msg }

// ValidationError lists the structural problems of a spec. Its message
// starts with the first problem, in the reference's check order, so that
// clients see the same text as from the reference server.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid scenario spec: ")
	b.WriteString(e.Problems[0].Msg)
	if len(e.Problems) > 1 {
		fmt.Fprintf(&b, " (and %d more:", len(e.Problems)-1)
		for _, p := range e.Problems[1:] {
			b.WriteString(" ")
			b.WriteString(p.String())
			b.WriteString(";")
		}
		b.WriteString(")")
	}
	return b.String()
}

// Validate runs the structural checks of the reference, in its order, and
// returns a [*ValidationError] listing every problem, or nil:
//
//  1. at least one stage; 2. stage ids unique; 3. gate ids unique across the
//     spec; 4. packet ids unique across the spec; 5. condition ids unique;
//  6. every condition has a non-blank provider_id and check_id; 7. every
//     Condition leaf resolves; 8. every fixed, branch and default target exists.
func (s *Spec) Validate() error {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if len(s.Stages) == 0 {
		add("$.stages", "scenario spec must define at least one stage")
	}
	stages := map[string]bool{}
	for i, st := range s.Stages {
		if stages[st.StageID] {
			add(stagePath(i)+".stage_id", "duplicate stage identifier: %s", st.StageID)
		}
		stages[st.StageID] = true
	}
	gates := map[string]bool{}
	for i, st := range s.Stages {
		for j, g := range st.Gates {
			if gates[g.GateID] {
				add(fmt.Sprintf("%s.gates[%d].gate_id", stagePath(i), j), "duplicate gate identifier: %s", g.GateID)
			}
			gates[g.GateID] = true
		}
	}
	packets := map[string]bool{}
	for i, st := range s.Stages {
		for j, p := range st.EntryPackets {
			if packets[p.PacketID] {
				add(fmt.Sprintf("%s.entry_packets[%d].packet_id", stagePath(i), j), "duplicate packet identifier: %s", p.PacketID)
			}
			packets[p.PacketID] = true
		}
	}
	conds := map[string]bool{}
	for i, c := range s.Conditions {
		if conds[c.ConditionID] {
			add(condPath(i)+".condition_id", "duplicate condition id: %s", c.ConditionID)
		}
		conds[c.ConditionID] = true
	}
	for i, c := range s.Conditions {
		if strings.TrimSpace(c.Query.ProviderID) == "" {
			add(condPath(i)+".query.provider_id", "invalid evidence query for condition %s: provider_id is empty", c.ConditionID)
		}
		if strings.TrimSpace(c.Query.CheckID) == "" {
			add(condPath(i)+".query.check_id", "invalid evidence query for condition %s: check_id is empty", c.ConditionID)
		}
	}
	for i, st := range s.Stages {
		for j, g := range st.Gates {
			path := fmt.Sprintf("%s.gates[%d].requirement", stagePath(i), j)
			g.Requirement.Walk(func(id string) {
				if !conds[id] {
					add(path, "gate references undefined condition: %s", id)
				}
			})
		}
	}
	for i, st := range s.Stages {
		path := stagePath(i) + ".advance_to"
		switch st.AdvanceTo.Kind {
		case AdvanceFixed:
			if !stages[st.AdvanceTo.StageID] {
				add(path+".stage_id", "branch target refers to unknown stage: %s", st.AdvanceTo.StageID)
			}
		case AdvanceBranch:
			for k, br := range st.AdvanceTo.Branches {
				if !stages[br.NextStageID] {
					add(fmt.Sprintf("%s.branches[%d].next_stage_id", path, k), "branch target refers to unknown stage: %s", br.NextStageID)
				}
			}
			if d := st.AdvanceTo.Default; d != nil && !stages[*d] {
				add(path+".default", "branch target refers to unknown stage: %s", *d)
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// Lint returns findings that the reference accepts but that are almost
// certainly mistakes: a requirement deeper than [MaxEvalDepth] (its gate is
// always Unknown), a RequireGroup whose min exceeds its children (always
// False), a Not without exactly one child, a branch rule on a gate outside
// its stage, an unused condition, and blank identifiers.
func (s *Spec) Lint() []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	used := map[string]bool{}
	if strings.TrimSpace(s.ScenarioID) == "" {
		add("$.scenario_id", "scenario_id is blank")
	}
	for i, st := range s.Stages {
		if strings.TrimSpace(st.StageID) == "" {
			add(stagePath(i)+".stage_id", "stage_id is blank")
		}
		stageGates := map[string]bool{}
		for j, g := range st.Gates {
			stageGates[g.GateID] = true
			path := fmt.Sprintf("%s.gates[%d].requirement", stagePath(i), j)
			if d := g.Requirement.Depth(); d > MaxEvalDepth {
				add(path, "requirement depth %d exceeds %d: gate %s always evaluates to Unknown", d, MaxEvalDepth, g.GateID)
			}
			lintTree(&g.Requirement, path, add)
			g.Requirement.Walk(func(id string) { used[id] = true })
		}
		if st.AdvanceTo.Kind == AdvanceBranch {
			for k, br := range st.AdvanceTo.Branches {
				if !stageGates[br.GateID] {
					add(fmt.Sprintf("%s.advance_to.branches[%d].gate_id", stagePath(i), k),
						"branch rule names gate %s, which is not in stage %s (it counts as unknown)", br.GateID, st.StageID)
				}
			}
		}
	}
	for i, c := range s.Conditions {
		if !used[c.ConditionID] {
			add(condPath(i), "condition %s is not used by any gate", c.ConditionID)
		}
	}
	return ps
}

func lintTree(r *Requirement, path string, add func(string, string, ...any)) {
	switch r.Op {
	case ReqNot:
		if len(r.Children) != 1 {
			add(path, "Not must have exactly one child")
		}
	case ReqGroup:
		if int(r.Min) > len(r.Children) {
			add(path, "RequireGroup min %d exceeds its %d requirements: always False", r.Min, len(r.Children))
		}
	}
	key := map[ReqOp]string{ReqAnd: ".And", ReqOr: ".Or", ReqNot: ".Not", ReqGroup: ".RequireGroup.reqs"}[r.Op]
	for i := range r.Children {
		p := path + key
		if r.Op != ReqNot {
			p += "[" + strconv.Itoa(i) + "]"
		}
		lintTree(&r.Children[i], p, add)
	}
}

func stagePath(i int) string { return "$.stages[" + strconv.Itoa(i) + "]" }
func condPath(i int) string  { return "$.conditions[" + strconv.Itoa(i) + "]" }
