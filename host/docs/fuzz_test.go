package docs

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSearch runs arbitrary queries and limits against the embedded corpus
// plus one fuzzed document. Properties: no panic; at most the clamped
// number of sections; ranks 0..n-1; scores never increase down the list;
// docs_covered lists each document once, in order of first appearance;
// follow-ups only with sections (or for the overview); the same call gives
// the same JSON.
func FuzzSearch(f *testing.F) {
	f.Add("precheck trust lane", 3, "# Extra\n## Gate\ntext")
	f.Add("", 10, "")
	f.Add("   ", -1, "## \n## ")
	f.Add("which tool", 0, "# T\r\n### which tool\r\n")
	f.Add("ret secret", 1000, "\xff\xfe## bad utf8")
	f.Add("## ###", 2, "## ##\n### ###\n#### ####")
	f.Add("provider schema example why", 7, "plain text only")
	base := defaultIndex(f)
	f.Fuzz(func(t *testing.T, query string, maxSections int, text string) {
		extra := Doc{ID: "fuzz", Title: "Fuzz", Role: RolePattern, URI: customURIPrefix + "fuzz", Text: text}
		ix := &Index{
			entries:     append(slices.Clip(base.entries), newEntry(extra, "fuzzed", int64(len(text)), "fuzz")),
			maxSections: base.maxSections,
		}

		res := ix.Search(query, &maxSections)
		limit := min(max(maxSections, 1), ix.maxSections)
		if len(res.Sections) > limit {
			t.Fatalf("%d sections, limit %d", len(res.Sections), limit)
		}
		if res.Sections == nil || res.DocsCovered == nil || res.SuggestedFollowups == nil {
			t.Fatalf("nil slice in %+v", res)
		}
		overview := strings.TrimSpace(query) == ""
		terms := strings.Fields(strings.ToLower(query))
		bonus := roleBonuses(strings.ToLower(strings.TrimSpace(query)))
		seen := map[string]bool{}
		var covered []string
		prev := int(^uint(0) >> 1)
		for i, s := range res.Sections {
			if s.Rank != i {
				t.Fatalf("section %d has rank %d", i, s.Rank)
			}
			if !seen[s.DocID] {
				seen[s.DocID] = true
				covered = append(covered, s.DocID)
			}
			if overview {
				continue
			}
			sec := section{headingLower: strings.ToLower(s.Heading), contentLower: strings.ToLower(s.Content)}
			lex := lexicalScore(&sec, terms)
			if lex == 0 {
				t.Fatalf("section %q scored 0 but was returned", s.Heading)
			}
			score := lex + bonus[s.DocRole]
			if score > prev {
				t.Fatalf("score rose from %d to %d at rank %d", prev, score, i)
			}
			prev = score
		}
		if len(covered) != len(res.DocsCovered) {
			t.Fatalf("docs_covered %+v, sections cover %q", res.DocsCovered, covered)
		}
		for i, c := range res.DocsCovered {
			if c.DocID != covered[i] {
				t.Fatalf("docs_covered %+v, sections cover %q", res.DocsCovered, covered)
			}
		}
		switch {
		case overview && len(res.SuggestedFollowups) != 1:
			t.Fatalf("overview follow-ups %q", res.SuggestedFollowups)
		case !overview && len(res.Sections) == 0 && len(res.SuggestedFollowups) != 0:
			t.Fatalf("follow-ups without sections: %q", res.SuggestedFollowups)
		case !overview && len(res.SuggestedFollowups) > len(roleOrder):
			t.Fatalf("too many follow-ups: %q", res.SuggestedFollowups)
		}
		a, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ix.Search(query, &maxSections))
		if string(a) != string(b) {
			t.Fatalf("not deterministic:\n%s\n%s", a, b)
		}
	})
}

// FuzzSplitSections checks the section parser on arbitrary text: no panic,
// no heading marker left at the start of a content line, trimmed headings
// and contents, and no section with both empty.
func FuzzSplitSections(f *testing.F) {
	f.Add("Title", "# Title\nintro\n## A\nbody\n### B\nmore")
	f.Add("", "## \n")
	f.Add("T", "\r\n## x\r\n\r\n")
	f.Add("T", "####\n### \n##\t\n")
	f.Fuzz(func(t *testing.T, title, text string) {
		for _, s := range splitSections(title, text) {
			if s.heading == "" && s.content == "" {
				t.Fatalf("empty section kept")
			}
			if s.heading != strings.TrimSpace(s.heading) || s.content != strings.TrimSpace(s.content) {
				t.Fatalf("untrimmed section %q / %q", s.heading, s.content)
			}
			// The first line may have lost leading white space to the trim,
			// so only the lines after it are as they were in the text.
			_, rest, _ := strings.Cut(s.content, "\n")
			for line := range strings.Lines(rest) {
				line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
				if _, ok := cutHeading(line); ok {
					t.Fatalf("heading line %q left in content", line)
				}
			}
			if utf8.ValidString(text) && utf8.ValidString(title) && (!utf8.ValidString(s.heading) || !utf8.ValidString(s.content)) {
				t.Fatalf("valid input produced invalid UTF-8")
			}
		}
	})
}
