package docs

import (
	"cmp"
	"slices"
	"strings"
)

// Result is the output of decision_gate_docs_search. Its slices are never
// nil, so they encode as [] rather than null.
type Result struct {
	Sections           []Section  `json:"sections"`
	DocsCovered        []Coverage `json:"docs_covered"`
	SuggestedFollowups []string   `json:"suggested_followups"`
}

// Section is one ranked section of a [Result].
type Section struct {
	Rank     int    `json:"rank"` // 0-based position in Sections
	DocID    string `json:"doc_id"`
	DocTitle string `json:"doc_title"`
	DocRole  Role   `json:"doc_role"`
	Heading  string `json:"heading"`
	Content  string `json:"content"`
}

// Coverage names a document that has at least one section in a [Result].
type Coverage struct {
	DocID    string `json:"doc_id"`
	DocTitle string `json:"doc_title"`
	DocRole  Role   `json:"doc_role"`
}

// Lexical weights: a query term found in a section's heading or content.
const (
	headingHit = 3
	contentHit = 1
)

// Role bonuses for the role the query cues most, and for any other cued role.
const (
	primaryBonus   = 2
	secondaryBonus = 1
)

// roleCues are the query substrings that hint at a role. A cue counts once
// when the lower-cased query contains it anywhere, so "providers" cues
// "provider" and "restart" cues "start".
var roleCues = []struct {
	role Role
	cues []string
}{
	{RoleOntology, []string{"schema", "provider", "comparator", "condition", "ret", "jsonpath"}},
	{RoleDecision, []string{"which tool", "precheck", "scenario", "runpack", "start", "next"}},
	{RolePattern, []string{"playbook", "workflow", "recipe", "integration", "example"}},
	{RoleReasoning, []string{"why", "trust", "evidence", "security", "invariant"}},
}

// followups holds the fixed suggestion for each role missing from a result,
// in the order they are offered.
var followups = []struct {
	role Role
	text string
}{
	{RoleDecision, "To pick the next tool call, search for tool names or which tool, or read the tooling and LLM playbook docs."},
	{RoleReasoning, "To understand why the server decided as it did, search for evidence, trust or security."},
	{RolePattern, "For step-by-step recipes, search for playbook, workflow or example."},
	{RoleOntology, "For exact shapes and rules, search for schema, comparator, condition or provider."},
}

// overviewFollowup is the one suggestion of an overview.
const overviewFollowup = "Ask a specific question, naming a tool, provider, comparator or concept such as trust lanes, to get matching sections."

// Search ranks the sections of the index against query and returns the
// best ones.
//
// maxSections nil means [DefaultSearchSections]; any value is clamped to
// [1, docs.max_sections]. A query that is empty after trimming returns the
// overview: the title section of the first document of each role, in the
// order reasoning, decision, ontology, pattern.
//
// Otherwise the query is lower-cased and split on white space. Each term
// adds 3 to a section whose heading contains it and 1 to a section whose
// content contains it; a section scoring 0 is left out. The roles the query
// cues add a bonus to every matching section of their documents: 2 for the
// most cued role (ties go to the earlier role in the fixed order), 1 for
// each other cued role. Sections are ordered by score (highest first), then
// document position, then heading (byte order), then position in the
// document. The result is a pure function of the index and the arguments.
func (ix *Index) Search(query string, maxSections *int) Result {
	limit := DefaultSearchSections
	if maxSections != nil {
		limit = *maxSections
	}
	limit = min(max(limit, 1), max(ix.maxSections, 1))
	q := strings.TrimSpace(query)
	if q == "" {
		return ix.overview(limit)
	}
	return ix.rank(strings.ToLower(q), limit)
}

// hit is a scored section: the document and section positions.
type hit struct {
	score, doc, sec int
}

func (ix *Index) rank(query string, limit int) Result {
	terms := strings.Fields(query)
	bonus := roleBonuses(query)
	var hits []hit
	for d, e := range ix.entries {
		for s := range e.sections {
			if score := lexicalScore(&e.sections[s], terms); score > 0 {
				hits = append(hits, hit{score + bonus[e.doc.Role], d, s})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		return cmp.Or(
			cmp.Compare(b.score, a.score),
			cmp.Compare(a.doc, b.doc),
			strings.Compare(ix.entries[a.doc].sections[a.sec].heading, ix.entries[b.doc].sections[b.sec].heading),
		)
	})
	res := emptyResult()
	for _, h := range hits[:min(limit, len(hits))] {
		res.add(&ix.entries[h.doc], &ix.entries[h.doc].sections[h.sec])
	}
	present := make(map[Role]bool, len(roleOrder))
	for _, c := range res.DocsCovered {
		present[c.DocRole] = true
	}
	if len(res.DocsCovered) > 0 {
		for _, f := range followups {
			if !present[f.role] {
				res.SuggestedFollowups = append(res.SuggestedFollowups, f.text)
			}
		}
	}
	return res
}

// lexicalScore adds up the term hits of one section. A repeated term counts
// each time it is repeated.
func lexicalScore(s *section, terms []string) int {
	score := 0
	for _, t := range terms {
		if strings.Contains(s.headingLower, t) {
			score += headingHit
		}
		if strings.Contains(s.contentLower, t) {
			score += contentHit
		}
	}
	return score
}

// roleBonuses profiles the lower-cased query: each role gets the number of
// its cues the query contains; the role with the most (ties broken by the
// fixed role order) earns the primary bonus, every other cued role the
// secondary one.
func roleBonuses(query string) map[Role]int {
	type count struct {
		role Role
		n    int
	}
	var cued []count
	for _, rc := range roleCues {
		n := 0
		for _, c := range rc.cues {
			if strings.Contains(query, c) {
				n++
			}
		}
		if n > 0 {
			cued = append(cued, count{rc.role, n})
		}
	}
	slices.SortFunc(cued, func(a, b count) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.role.order(), b.role.order()))
	})
	bonus := make(map[Role]int, len(cued))
	for i, c := range cued {
		if i == 0 {
			bonus[c.role] = primaryBonus
		} else {
			bonus[c.role] = secondaryBonus
		}
	}
	return bonus
}

// overview returns the title section of the first document of each role,
// in the fixed role order, at most limit of them.
func (ix *Index) overview(limit int) Result {
	res := emptyResult()
	for _, r := range roleOrder {
		if len(res.Sections) == limit {
			break
		}
		i := slices.IndexFunc(ix.entries, func(e entry) bool { return e.doc.Role == r })
		if i < 0 || len(ix.entries[i].sections) == 0 {
			continue
		}
		res.add(&ix.entries[i], &ix.entries[i].sections[0])
	}
	res.SuggestedFollowups = append(res.SuggestedFollowups, overviewFollowup)
	return res
}

func emptyResult() Result {
	return Result{Sections: []Section{}, DocsCovered: []Coverage{}, SuggestedFollowups: []string{}}
}

// add appends a section with the next rank, and its document to
// DocsCovered the first time the document appears.
func (r *Result) add(e *entry, s *section) {
	r.Sections = append(r.Sections, Section{
		Rank:     len(r.Sections),
		DocID:    e.doc.ID,
		DocTitle: e.doc.Title,
		DocRole:  e.doc.Role,
		Heading:  s.heading,
		Content:  s.content,
	})
	if !slices.ContainsFunc(r.DocsCovered, func(c Coverage) bool { return c.DocID == e.doc.ID }) {
		r.DocsCovered = append(r.DocsCovered, Coverage{DocID: e.doc.ID, DocTitle: e.doc.Title, DocRole: e.doc.Role})
	}
}
