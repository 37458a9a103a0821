package docs

import (
	"github.com/decision-gate/dgw/docs/guides"
	"github.com/decision-gate/dgw/host/errcode"
)

// Role is what a document is for. Search uses it for the query-cue bonus,
// the overview and the follow-up suggestions.
type Role string

// The roles, in their fixed order (see [Role.order]).
const (
	// RoleReasoning documents explain why the server behaves as it does.
	RoleReasoning Role = "reasoning"
	// RoleDecision documents help choose which tool to call and when.
	RoleDecision Role = "decision"
	// RoleOntology documents define shapes: schemas, comparators, providers.
	RoleOntology Role = "ontology"
	// RolePattern documents are recipes; every extra document has this role.
	RolePattern Role = "pattern"
)

// roleOrder lists the roles in their fixed order: it breaks ties between
// equally cued roles and orders the overview.
var roleOrder = [...]Role{RoleReasoning, RoleDecision, RoleOntology, RolePattern}

// order returns r's position in [roleOrder], or len(roleOrder) for an
// unknown role.
func (r Role) order() int {
	for i, o := range roleOrder {
		if o == r {
			return i
		}
	}
	return len(roleOrder)
}

// URIPrefix starts every docs resource URI.
const URIPrefix = "decision-gate://docs/"

// customURIPrefix starts the URI of every document loaded from an extra
// path.
const customURIPrefix = URIPrefix + "custom/"

// MIMEType is the media type of every document.
const MIMEType = "text/markdown"

// defaultDoc is one entry of the embedded corpus.
type defaultDoc struct {
	id, file, title, slug, description string
	role                               Role
}

// defaultDocs is the embedded corpus in its fixed order. The order matters:
// search breaks score ties by document position, and the overview takes the
// first document of each role. Each title equals the file's "# " line
// (checked by the tests).
var defaultDocs = []defaultDoc{
	{"evidence_flow_and_execution_model", "evidence_flow_and_execution_model.md", "Evidence Flow and Execution Model", "evidence-flow",
		"How a trigger becomes a decision: evidence gathering, tri-state results, trust lanes and stage advancement.", RoleReasoning},
	{"security_guide", "security_guide.md", "Security Guide", "security",
		"Fail-closed defaults, authentication, namespaces, disclosure, provider sandboxing and audit.", RoleReasoning},
	{"tooling_summary", "tooling.md", "MCP Tool Reference", "tooling",
		"The 18 MCP tools: when to use each, request examples and the errors they return.", RoleDecision},
	{"authoring_formats", "authoring.md", "Scenario Authoring Formats", "authoring",
		"The scenario spec shape, identifiers, timestamps, null handling and canonical JSON hashing.", RoleOntology},
	{"condition_authoring", "condition_authoring.md", "Condition Authoring", "conditions",
		"Comparators, expected values, Unknown results and strict comparator validation.", RoleOntology},
	{"ret_logic", "ret_logic.md", "Requirement Trees (RET)", "ret-logic",
		"Gate requirement trees: And, Or, Not, RequireGroup and three-valued evaluation.", RoleOntology},
	{"llm_native_playbook", "llm_native_playbook.md", "LLM-Native Playbook", "llm-playbook",
		"Call sequences for agents: define, start, next, precheck, submit and export.", RoleDecision},
	{"providers_summary", "providers.md", "Evidence Providers", "providers",
		"Built-in providers and their checks, provider kinds and contract discovery.", RoleOntology},
	{"provider_protocol", "provider_protocol.md", "Provider Protocols", "provider-protocol",
		"The pv1 WebAssembly ABI and the external MCP evidence_query protocol.", RolePattern},
	{"provider_schema_authoring", "provider_schema_authoring.md", "Provider Schema Authoring", "provider-schema",
		"Writing provider contracts: params and result schemas, comparators and opt-ins.", RolePattern},
	{"provider_development", "provider_development.md", "Provider Development", "provider-development",
		"Building, signing and installing Wasm providers, and writing MCP providers.", RolePattern},
	{"json_evidence_playbook", "json_evidence_playbook.md", "JSON Evidence Playbook", "json-evidence",
		"Gating on JSON and YAML files: the json provider, JSONPath and asserted JSON.", RolePattern},
	{"runpack_architecture", "runpack_architecture.md", "Runpack Architecture", "runpack-architecture",
		"What a runpack contains, how it is hashed, exported and verified offline.", RoleReasoning},
}

// loadDefaults reads the embedded corpus.
func loadDefaults() ([]entry, error) {
	out := make([]entry, 0, len(defaultDocs))
	for _, d := range defaultDocs {
		b, err := guides.FS.ReadFile(d.file)
		if err != nil {
			return nil, errcode.New(errcode.Internal, "docs: embedded corpus: %w", err)
		}
		out = append(out, newEntry(Doc{
			ID:    d.id,
			Title: d.title,
			Role:  d.role,
			URI:   URIPrefix + d.slug,
			Text:  string(b),
		}, d.description, int64(len(b)), d.file))
	}
	return out, nil
}
