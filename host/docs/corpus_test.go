package docs

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/docs/guides"
)

// TestCorpus_referenceTable pins the ids, URIs, roles and order of the
// reference corpus (spec §7.13).
func TestCorpus_referenceTable(t *testing.T) {
	want := []struct {
		id, uri string
		role    Role
	}{
		{"evidence_flow_and_execution_model", "decision-gate://docs/evidence-flow", RoleReasoning},
		{"security_guide", "decision-gate://docs/security", RoleReasoning},
		{"tooling_summary", "decision-gate://docs/tooling", RoleDecision},
		{"authoring_formats", "decision-gate://docs/authoring", RoleOntology},
		{"condition_authoring", "decision-gate://docs/conditions", RoleOntology},
		{"ret_logic", "decision-gate://docs/ret-logic", RoleOntology},
		{"llm_native_playbook", "decision-gate://docs/llm-playbook", RoleDecision},
		{"providers_summary", "decision-gate://docs/providers", RoleOntology},
		{"provider_protocol", "decision-gate://docs/provider-protocol", RolePattern},
		{"provider_schema_authoring", "decision-gate://docs/provider-schema", RolePattern},
		{"provider_development", "decision-gate://docs/provider-development", RolePattern},
		{"json_evidence_playbook", "decision-gate://docs/json-evidence", RolePattern},
		{"runpack_architecture", "decision-gate://docs/runpack-architecture", RoleReasoning},
	}
	got := defaultIndex(t).Docs()
	if len(got) != len(want) {
		t.Fatalf("got %d docs, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].URI != w.uri || got[i].Role != w.role {
			t.Errorf("doc %d: got (%s, %s, %s), want (%s, %s, %s)", i, got[i].ID, got[i].URI, got[i].Role, w.id, w.uri, w.role)
		}
	}
}

// TestCorpus_files checks each embedded file: it is listed, its first line
// is "# " + its title, and it fits the default limits.
func TestCorpus_files(t *testing.T) {
	files, err := fs.Glob(guides.FS, "*.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	var total int
	for _, d := range defaultDocs {
		listed = append(listed, d.file)
		b, err := guides.FS.ReadFile(d.file)
		if err != nil {
			t.Fatal(err)
		}
		total += len(b)
		if len(b) > DefaultMaxDocBytes {
			t.Errorf("%s: %d bytes, over the default max_doc_bytes", d.file, len(b))
		}
		first, _, _ := strings.Cut(string(b), "\n")
		if first != "# "+d.title {
			t.Errorf("%s: first line %q, want %q", d.file, first, "# "+d.title)
		}
		if d.description == "" || strings.HasSuffix(d.description, " ") {
			t.Errorf("%s: description %q", d.file, d.description)
		}
	}
	if total > DefaultMaxTotalBytes {
		t.Errorf("corpus is %d bytes, over the default max_total_bytes", total)
	}
	if len(defaultDocs) > DefaultMaxDocs {
		t.Errorf("%d docs, over the default max_docs", len(defaultDocs))
	}
	slices.Sort(listed)
	if !slices.Equal(files, listed) {
		t.Errorf("embedded files %q\ndiffer from the table %q", files, listed)
	}
}

// fences returns the fenced code blocks of text: the info string and the
// body of each.
func fences(t testing.TB, name, text string) (infos, bodies []string) {
	var body []string
	in := false
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "```") {
			if in {
				bodies = append(bodies, strings.Join(body, "\n"))
			} else {
				infos = append(infos, strings.TrimPrefix(line, "```"))
				body = body[:0]
			}
			in = !in
			continue
		}
		if in {
			body = append(body, line)
		}
	}
	if in {
		t.Errorf("%s: unclosed code fence", name)
	}
	return infos, bodies
}

// TestCorpus_codeBlocks checks that no code line would be taken for a
// section heading, that every json block parses (a block may hold several
// values), and that every document shows at least one JSON example.
func TestCorpus_codeBlocks(t *testing.T) {
	for _, d := range defaultDocs {
		b, _ := guides.FS.ReadFile(d.file)
		infos, bodies := fences(t, d.file, string(b))
		jsonBlocks := 0
		for i, body := range bodies {
			for line := range strings.Lines(body) {
				if _, ok := cutHeading(strings.TrimSuffix(line, "\n")); ok {
					t.Errorf("%s: code line %q would start a section", d.file, line)
				}
			}
			if infos[i] != "json" {
				continue
			}
			jsonBlocks++
			dec := json.NewDecoder(strings.NewReader(body))
			for {
				var v any
				err := dec.Decode(&v)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Errorf("%s: json block %d: %v\n%s", d.file, i, err, body)
					break
				}
			}
		}
		if jsonBlocks == 0 {
			t.Errorf("%s: no json example", d.file)
		}
	}
}

// TestCorpus_sections checks that every document is cut into a title
// section and several headed sections, none of them oversized for a search
// answer.
func TestCorpus_sections(t *testing.T) {
	for _, e := range defaultIndex(t).entries {
		if len(e.sections) < 4 {
			t.Errorf("%s: only %d sections", e.doc.ID, len(e.sections))
		}
		if e.sections[0].heading != e.doc.Title || !strings.HasPrefix(e.sections[0].content, "# "+e.doc.Title) {
			t.Errorf("%s: first section %q", e.doc.ID, e.sections[0].heading)
		}
		for _, s := range e.sections {
			if s.heading == "" {
				t.Errorf("%s: a section without heading", e.doc.ID)
			}
			if len(s.content) > 8<<10 {
				t.Errorf("%s / %s: %d bytes of content", e.doc.ID, s.heading, len(s.content))
			}
		}
	}
}

// TestCorpus_crossReferences checks that every decision-gate://docs/ URI a
// document mentions exists.
func TestCorpus_crossReferences(t *testing.T) {
	ix := defaultIndex(t)
	for _, d := range ix.Docs() {
		rest := d.Text
		for {
			i := strings.Index(rest, URIPrefix)
			if i < 0 {
				break
			}
			rest = rest[i:]
			end := strings.IndexFunc(rest, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(":/-_.", r))
			})
			if end < 0 {
				end = len(rest)
			}
			uri := strings.TrimRight(rest[:end], ".")
			rest = rest[end:]
			if uri == URIPrefix {
				continue
			}
			if _, err := ix.Read(uri); err != nil {
				t.Errorf("%s mentions %s: %v", d.ID, uri, err)
			}
		}
	}
}

// TestCorpus_toolNames checks that the tool reference covers all 18 tools,
// each under its own heading.
func TestCorpus_toolNames(t *testing.T) {
	tools := []string{
		"scenario_define", "scenario_start", "scenario_status", "scenario_next", "scenario_submit",
		"scenario_trigger", "evidence_query", "runpack_export", "runpack_verify", "providers_list",
		"provider_contract_get", "provider_check_schema_get", "schemas_register", "schemas_list",
		"schemas_get", "scenarios_list", "precheck", "decision_gate_docs_search",
	}
	d, _ := defaultIndex(t).Doc("tooling_summary")
	var headings []string
	for _, s := range splitSections(d.Title, d.Text) {
		headings = append(headings, s.heading)
	}
	for _, tool := range tools {
		if !slices.Contains(headings, tool) {
			t.Errorf("no section for %s", tool)
		}
	}
}
