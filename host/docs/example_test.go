package docs_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/decision-gate/dgw/host/docs"
)

func ExampleNew() {
	ix, err := docs.New(docs.DefaultOptions())
	if err != nil {
		panic(err)
	}
	d := ix.Docs()
	fmt.Println(len(d), d[0].ID, d[0].Role, d[0].URI)
	fmt.Println(ix.SearchEnabled(), ix.ResourcesEnabled())
	// Output:
	// 13 evidence_flow_and_execution_model reasoning decision-gate://docs/evidence-flow
	// true true
}

func ExampleNew_extraPaths() {
	dir, err := os.MkdirTemp("", "docs-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "On-Call Runbook.md"), []byte("# On-call Runbook\n\n## Paging\nPage the release captain."), 0o644)

	opts := docs.DefaultOptions()
	opts.ExtraPaths = []string{dir}
	ix, err := docs.New(opts)
	if err != nil {
		panic(err)
	}
	d, _ := ix.Doc("on_call_runbook")
	fmt.Println(d.ID, d.Role, d.URI)
	fmt.Println(d.Title)
	// Output:
	// on_call_runbook pattern decision-gate://docs/custom/on_call_runbook
	// On-call Runbook
}

func ExampleIndex_Search() {
	ix, _ := docs.New(docs.DefaultOptions())
	n := 3
	res := ix.Search("precheck trust lane", &n)
	for _, s := range res.Sections {
		fmt.Println(s.Rank, s.DocID, s.DocRole, "|", s.Heading)
	}
	for _, c := range res.DocsCovered {
		fmt.Println("covered:", c.DocID)
	}
	for _, f := range res.SuggestedFollowups {
		fmt.Println("next:", f)
	}
	// Output:
	// 0 evidence_flow_and_execution_model reasoning | Trust lanes
	// 1 tooling_summary decision | precheck
	// 2 llm_native_playbook decision | Asserted evidence with precheck
	// covered: evidence_flow_and_execution_model
	// covered: tooling_summary
	// covered: llm_native_playbook
	// next: For step-by-step recipes, search for playbook, workflow or example.
	// next: For exact shapes and rules, search for schema, comparator, condition or provider.
}

func ExampleIndex_Search_overview() {
	ix, _ := docs.New(docs.DefaultOptions())
	res := ix.Search("", nil) // default: 3 sections
	for _, s := range res.Sections {
		fmt.Println(s.Rank, s.DocRole, s.Heading)
	}
	fmt.Println(res.SuggestedFollowups[0])
	// Output:
	// 0 reasoning Evidence Flow and Execution Model
	// 1 decision MCP Tool Reference
	// 2 ontology Scenario Authoring Formats
	// Ask a specific question, naming a tool, provider, comparator or concept such as trust lanes, to get matching sections.
}

func ExampleIndex_List() {
	ix, _ := docs.New(docs.DefaultOptions())
	for _, r := range ix.List()[:3] {
		fmt.Println(r.URI, "|", r.Name, "|", r.MIMEType)
	}
	// Output:
	// decision-gate://docs/evidence-flow | Evidence Flow and Execution Model | text/markdown
	// decision-gate://docs/security | Security Guide | text/markdown
	// decision-gate://docs/tooling | MCP Tool Reference | text/markdown
}

func ExampleIndex_Read() {
	ix, _ := docs.New(docs.DefaultOptions())
	c, err := ix.Read("decision-gate://docs/ret-logic")
	fmt.Println(c.MIMEType, len(c.Text) > 0, err)
	_, err = ix.Read("decision-gate://docs/nope")
	fmt.Println(err)
	// Output:
	// text/markdown true <nil>
	// unknown resource uri: decision-gate://docs/nope
}
