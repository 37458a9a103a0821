package docs

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"
)

// testIndex builds an index from docs directly, without limits or files.
func testIndex(maxSections int, docs ...Doc) *Index {
	ix := &Index{maxSections: maxSections, search: true, resources: true}
	for _, d := range docs {
		ix.entries = append(ix.entries, newEntry(d, d.Title+" description", int64(len(d.Text)), d.ID))
	}
	return ix
}

func doc(id string, role Role, text string) Doc {
	return Doc{ID: id, Title: "Title " + id, Role: role, URI: URIPrefix + id, Text: text}
}

func intp(n int) *int { return &n }

// ranked returns "doc_id/heading" for each section of r.
func ranked(r Result) []string {
	out := make([]string, len(r.Sections))
	for i, s := range r.Sections {
		out[i] = s.DocID + "/" + s.Heading
	}
	return out
}

func TestLexicalScore(t *testing.T) {
	s := splitSections("x", "## Trust Lanes\nVerified evidence beats asserted trust.")[1]
	tests := []struct {
		name  string
		terms []string
		want  int
	}{
		{"heading and content", []string{"trust"}, 4},
		{"heading only", []string{"lanes"}, 3},
		{"content only", []string{"verified"}, 1},
		{"substring of a word", []string{"rus"}, 4},
		{"miss", []string{"comparator"}, 0},
		{"terms add up", []string{"trust", "lanes", "asserted"}, 8},
		{"repeated term counts twice", []string{"trust", "trust"}, 8},
		{"no terms", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lexicalScore(&s, tc.terms); got != tc.want {
				t.Fatalf("lexicalScore(%q) = %d, want %d", tc.terms, got, tc.want)
			}
		})
	}
}

func TestRoleBonuses(t *testing.T) {
	tests := []struct {
		query string
		want  map[Role]int
	}{
		{"gates and stages", map[Role]int{}},
		{"which tool should i call", map[Role]int{RoleDecision: 2}},
		{"which  tool", map[Role]int{}}, // the cue is matched as written, with one space
		{"provider schema example", map[Role]int{RoleOntology: 2, RolePattern: 1}},
		{"why schema", map[Role]int{RoleReasoning: 2, RoleOntology: 1}},            // tie: reasoning first
		{"precheck evidence", map[Role]int{RoleReasoning: 2, RoleDecision: 1}},     // tie: reasoning before decision
		{"scenario jsonpath", map[Role]int{RoleDecision: 2, RoleOntology: 1}},      // tie: decision before ontology
		{"example workflow schema", map[Role]int{RolePattern: 2, RoleOntology: 1}}, // 2 pattern cues beat 1
		{"secret", map[Role]int{RoleOntology: 2}},                                  // "ret" inside a word
		{"restart next", map[Role]int{RoleDecision: 2}},                            // "start" inside a word
		{"playbook trust scenario comparator", map[Role]int{RoleReasoning: 2, RoleDecision: 1, RoleOntology: 1, RolePattern: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := roleBonuses(tc.query)
			if !maps.Equal(got, tc.want) {
				t.Fatalf("roleBonuses(%q) = %v, want %v", tc.query, got, tc.want)
			}
		})
	}
}

// TestRoleBonuses_tieOrder checks every pair of singly cued roles: the
// earlier role in reasoning < decision < ontology < pattern is primary.
func TestRoleBonuses_tieOrder(t *testing.T) {
	cue := map[Role]string{RoleReasoning: "why", RoleDecision: "precheck", RoleOntology: "comparator", RolePattern: "recipe"}
	for i, a := range roleOrder {
		for _, b := range roleOrder[i+1:] {
			for _, q := range []string{cue[a] + " " + cue[b], cue[b] + " " + cue[a]} {
				got := roleBonuses(q)
				if got[a] != primaryBonus || got[b] != secondaryBonus {
					t.Errorf("roleBonuses(%q) = %v, want %s primary and %s secondary", q, got, a, b)
				}
			}
		}
	}
}

func TestSearch_ordering(t *testing.T) {
	ix := testIndex(10,
		doc("r", RoleReasoning, "# r\n## Gate basics\ngate\n## Another gate\ngate"),
		doc("d", RoleDecision, "# d\n## Zeta gate\nnothing\n## Alpha gate\nnothing"),
		doc("p", RolePattern, "# p\n## Gate recipe\ngate"),
	)
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		// Every section scores 3 (heading) + 1 (content) or 3: score first,
		// then document order, then heading in byte order.
		{"score, then doc, then heading", "gate", []string{"r/Another gate", "r/Gate basics", "p/Gate recipe", "d/Alpha gate", "d/Zeta gate"}},
		// "recipe" cues pattern: +2 to every matching section of p, and the
		// heading hit on "recipe" adds 3 more.
		{"role bonus lifts a later doc", "gate recipe", []string{"p/Gate recipe", "r/Another gate", "r/Gate basics", "d/Alpha gate", "d/Zeta gate"}},
		// "next" cues decision: d's sections gain 2 and overtake the others
		// although "next" itself matches nothing.
		{"cue without lexical hit", "gate next", []string{"d/Alpha gate", "d/Zeta gate", "r/Another gate", "r/Gate basics", "p/Gate recipe"}},
		{"case-insensitive", "GATE Recipe", []string{"p/Gate recipe", "r/Another gate", "r/Gate basics", "d/Alpha gate", "d/Zeta gate"}},
		{"no match", "kubernetes", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ix.Search(tc.query, intp(10))
			if got := ranked(res); !slices.Equal(got, tc.want) {
				t.Fatalf("Search(%q)\n got %q\nwant %q", tc.query, got, tc.want)
			}
			for i, s := range res.Sections {
				if s.Rank != i {
					t.Fatalf("section %d has rank %d", i, s.Rank)
				}
			}
		})
	}
}

// TestSearch_sameHeadingKeepsDocumentOrder checks that fully tied sections
// keep their order in the document.
func TestSearch_sameHeadingKeepsDocumentOrder(t *testing.T) {
	ix := testIndex(10, doc("a", RoleOntology, "## Notes\nfirst gate\n## Notes\nsecond gate"))
	res := ix.Search("gate", nil)
	if len(res.Sections) != 2 || res.Sections[0].Content != "first gate" || res.Sections[1].Content != "second gate" {
		t.Fatalf("got %+v", res.Sections)
	}
}

func TestSearch_scoresTitleSection(t *testing.T) {
	ix := testIndex(10, doc("a", RoleOntology, "Just an intro about comparators."))
	res := ix.Search("comparators", nil)
	if got := ranked(res); !slices.Equal(got, []string{"a/Title a"}) {
		t.Fatalf("got %q", got)
	}
}

func TestSearch_clamp(t *testing.T) {
	var text string
	for _, h := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		text += "## gate " + h + "\nx\n"
	}
	tests := []struct {
		name        string
		cfgMax      int
		maxSections *int
		want        int
	}{
		{"default is 3", 10, nil, 3},
		{"default capped by config", 2, nil, 2},
		{"explicit", 10, intp(7), 7},
		{"zero raised to 1", 10, intp(0), 1},
		{"negative raised to 1", 10, intp(-4), 1},
		{"over config lowered", 5, intp(9), 5},
		{"over hard cap lowered", 10, intp(1000), 10},
		{"config 1", 1, intp(10), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := testIndex(tc.cfgMax, doc("a", RoleOntology, text))
			if got := len(ix.Search("gate", tc.maxSections).Sections); got != tc.want {
				t.Fatalf("got %d sections, want %d", got, tc.want)
			}
			if got := len(ix.Search("", tc.maxSections).Sections); got != 1 {
				t.Fatalf("overview of one doc: got %d sections, want 1", got)
			}
		})
	}
}

func TestSearch_clampThroughNew(t *testing.T) {
	opts := DefaultOptions()
	opts.MaxSections = 50 // above the hard cap
	ix, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ix.Search("the", intp(99)).Sections); got != HardMaxSections {
		t.Fatalf("got %d sections, want %d", got, HardMaxSections)
	}
}

func TestSearch_followups(t *testing.T) {
	f := map[Role]string{}
	for _, x := range followups {
		f[x.role] = x.text
	}
	ix := testIndex(10,
		doc("r", RoleReasoning, "## alpha\n"),
		doc("d", RoleDecision, "## beta\n"),
		doc("o", RoleOntology, "## gamma\n"),
		doc("p", RolePattern, "## delta\n"),
	)
	tests := []struct {
		query string
		want  []string
	}{
		{"alpha", []string{f[RoleDecision], f[RolePattern], f[RoleOntology]}},
		{"beta", []string{f[RoleReasoning], f[RolePattern], f[RoleOntology]}},
		{"gamma delta", []string{f[RoleDecision], f[RoleReasoning]}},
		{"alpha beta gamma delta", []string{}},
		{"nothing matches", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := ix.Search(tc.query, intp(10)).SuggestedFollowups
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestSearch_docsCovered(t *testing.T) {
	ix := testIndex(10,
		doc("a", RoleOntology, "## x gate\n## y gate\n"),
		doc("b", RolePattern, "## z gate\n"),
	)
	res := ix.Search("gate", intp(10))
	want := []Coverage{
		{DocID: "a", DocTitle: "Title a", DocRole: RoleOntology},
		{DocID: "b", DocTitle: "Title b", DocRole: RolePattern},
	}
	if !slices.Equal(res.DocsCovered, want) {
		t.Fatalf("got %+v", res.DocsCovered)
	}
}

func TestSearch_overview(t *testing.T) {
	ix := defaultIndex(t)
	want := []string{
		"evidence_flow_and_execution_model/Evidence Flow and Execution Model",
		"tooling_summary/MCP Tool Reference",
		"authoring_formats/Scenario Authoring Formats",
		"provider_protocol/Provider Protocols",
	}
	for _, q := range []string{"", "   ", "\t\n"} {
		res := ix.Search(q, intp(10))
		if got := ranked(res); !slices.Equal(got, want) {
			t.Fatalf("overview(%q)\n got %q\nwant %q", q, got, want)
		}
		if !slices.Equal(res.SuggestedFollowups, []string{overviewFollowup}) {
			t.Fatalf("overview follow-ups: %q", res.SuggestedFollowups)
		}
		if len(res.DocsCovered) != 4 || res.DocsCovered[3].DocRole != RolePattern {
			t.Fatalf("overview coverage: %+v", res.DocsCovered)
		}
		for i, s := range res.Sections {
			d, _ := ix.Doc(s.DocID)
			if s.Rank != i || s.Heading != d.Title || s.Content != splitSections(d.Title, d.Text)[0].content {
				t.Fatalf("overview section %d: %+v", i, s)
			}
		}
	}
	if got := ranked(ix.Search("", nil)); !slices.Equal(got, want[:3]) {
		t.Fatalf("default overview: %q", got)
	}
	if got := ranked(ix.Search("", intp(1))); !slices.Equal(got, want[:1]) {
		t.Fatalf("overview of 1: %q", got)
	}
}

func TestSearch_overviewSkipsMissingRoles(t *testing.T) {
	ix := testIndex(10,
		doc("p1", RolePattern, "# p1\nfirst"),
		doc("o1", RoleOntology, "# o1\nintro"),
		doc("p2", RolePattern, "# p2\nsecond"),
	)
	if got := ranked(ix.Search("", intp(10))); !slices.Equal(got, []string{"o1/Title o1", "p1/Title p1"}) {
		t.Fatalf("got %q", got)
	}
}

func TestSearch_emptyIndex(t *testing.T) {
	for _, ix := range []*Index{{}, testIndex(10)} {
		res := ix.Search("anything", nil)
		b, _ := json.Marshal(res)
		if string(b) != `{"sections":[],"docs_covered":[],"suggested_followups":[]}` {
			t.Fatalf("search on empty index: %s", b)
		}
		res = ix.Search("", nil)
		if len(res.Sections) != 0 || !slices.Equal(res.SuggestedFollowups, []string{overviewFollowup}) {
			t.Fatalf("overview on empty index: %+v", res)
		}
	}
}

func TestSearch_jsonShape(t *testing.T) {
	ix := testIndex(10, doc("a", RoleOntology, "## Gate\nbody"))
	b, err := json.Marshal(ix.Search("gate", nil))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sections":[{"rank":0,"doc_id":"a","doc_title":"Title a","doc_role":"ontology","heading":"Gate","content":"body"}],` +
		`"docs_covered":[{"doc_id":"a","doc_title":"Title a","doc_role":"ontology"}],` +
		`"suggested_followups":["` + followups[0].text + `","` + followups[1].text + `","` + followups[2].text + `"]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestSearch_defaultCorpus(t *testing.T) {
	ix := defaultIndex(t)
	tests := []struct {
		query    string
		wantDoc  string // doc of the first section
		wantRole Role
	}{
		{"which tool", "tooling_summary", RoleDecision},
		{"requiregroup", "ret_logic", RoleOntology},
		{"jsonpath filter", "json_evidence_playbook", RolePattern},
		{"root hash", "runpack_architecture", RoleReasoning},
		{"pv_alloc", "provider_protocol", RolePattern},
		{"plugin keygen", "provider_development", RolePattern},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res := ix.Search(tc.query, nil)
			if len(res.Sections) == 0 || res.Sections[0].DocID != tc.wantDoc || res.Sections[0].DocRole != tc.wantRole {
				t.Fatalf("Search(%q) = %q", tc.query, ranked(res))
			}
		})
	}
}

func TestSearch_deterministic(t *testing.T) {
	ix := defaultIndex(t)
	queries := []string{"", "precheck trust lane", "provider schema example", "why evidence", "a", "the"}
	want := make(map[string]string)
	for _, q := range queries {
		b, _ := json.Marshal(ix.Search(q, intp(10)))
		want[q] = string(b)
	}
	// The same answers from a freshly loaded index and from concurrent
	// callers.
	again := defaultIndex(t)
	var wg sync.WaitGroup
	for range 8 {
		for _, q := range queries {
			wg.Go(func() {
				for _, x := range []*Index{ix, again} {
					b, _ := json.Marshal(x.Search(q, intp(10)))
					if string(b) != want[q] {
						t.Errorf("Search(%q) changed:\n%s\n%s", q, b, want[q])
					}
				}
			})
		}
	}
	wg.Wait()
}

func defaultIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return ix
}
