package config

// Transport selects how MCP requests arrive (server.transport).
type Transport string

// Transports.
const (
	TransportStdio Transport = "stdio"
	TransportHTTP  Transport = "http"
	TransportSSE   Transport = "sse"
)

// ServerMode is server.mode; "dev_permissive" is the legacy switch for
// dev.permissive.
type ServerMode string

// Server modes.
const (
	ModeStrict        ServerMode = "strict"
	ModeDevPermissive ServerMode = "dev_permissive"
)

// TLSTermination says where TLS ends for HTTP/SSE (server.tls_termination).
type TLSTermination string

// TLS termination points.
const (
	TLSTerminationServer   TLSTermination = "server"
	TLSTerminationUpstream TLSTermination = "upstream"
)

// AuthMode is server.auth.mode.
type AuthMode string

// Auth modes (spec §7.1).
const (
	AuthLocalOnly   AuthMode = "local_only"
	AuthBearerToken AuthMode = "bearer_token"
	AuthMTLS        AuthMode = "mtls"
)

// FeedbackLevel is a scenario_next feedback level (spec §7.7).
type FeedbackLevel string

// Feedback levels, in increasing order of disclosure.
const (
	FeedbackSummary  FeedbackLevel = "summary"
	FeedbackTrace    FeedbackLevel = "trace"
	FeedbackEvidence FeedbackLevel = "evidence"
)

// Rank orders levels: summary 0, trace 1, evidence 2; -1 for an unknown one.
func (l FeedbackLevel) Rank() int {
	switch l {
	case FeedbackSummary:
		return 0
	case FeedbackTrace:
		return 1
	case FeedbackEvidence:
		return 2
	}
	return -1
}

// ToolsMode is server.tools.mode.
type ToolsMode string

// Tool visibility modes (spec §7.10).
const (
	ToolsFilter      ToolsMode = "filter"
	ToolsPassthrough ToolsMode = "passthrough"
)

// Server is the [server] section.
type Server struct {
	Transport      Transport      `toml:"transport"`       // default stdio
	Mode           ServerMode     `toml:"mode"`            // default strict
	TLSTermination TLSTermination `toml:"tls_termination"` // default server
	// Bind is the host:port (an IP literal) for http and sse.
	Bind         string   `toml:"bind"`
	MaxBodyBytes int64    `toml:"max_body_bytes"` // default 1048576
	Limits       Limits   `toml:"limits"`
	Auth         Auth     `toml:"auth"`
	TLS          *TLS     `toml:"tls"` // nil: no native TLS
	Audit        Audit    `toml:"audit"`
	Feedback     Feedback `toml:"feedback"`
	Tools        Tools    `toml:"tools"`
}

// Limits is [server.limits].
type Limits struct {
	MaxInflight int64 `toml:"max_inflight"` // default 256
	// RateLimit is nil when the table is absent: no rate limiting.
	RateLimit *RateLimit `toml:"rate_limit"`
}

// RateLimit is [server.limits.rate_limit].
type RateLimit struct {
	MaxRequests int64 `toml:"max_requests"` // default 1000, 1..100000
	WindowMS    int64 `toml:"window_ms"`    // default 1000, 100..60000
	MaxEntries  int64 `toml:"max_entries"`  // default 4096, 1..65536
}

// Auth is [server.auth] (spec §7.1, §7.2).
type Auth struct {
	Mode         AuthMode    `toml:"mode"` // default local_only
	BearerTokens []Secret    `toml:"bearer_tokens"`
	MTLSSubjects []string    `toml:"mtls_subjects"`
	AllowedTools []string    `toml:"allowed_tools"`
	Principals   []Principal `toml:"principals"`
}

// Principal maps a subject ("loopback", "stdio", "token:<sha256 hex>", an
// mTLS subject) to a policy class and roles.
type Principal struct {
	Subject string `toml:"subject"`
	// PolicyClass is "" when unset, which the registry ACL treats as prod.
	PolicyClass string `toml:"policy_class"`
	Roles       []Role `toml:"roles"`
}

// Role is a role binding; a nil tenant or namespace matches any.
type Role struct {
	Name        string `toml:"name"`
	TenantID    *int64 `toml:"tenant_id"`
	NamespaceID *int64 `toml:"namespace_id"`
}

// TLS is [server.tls].
type TLS struct {
	CertPath          Path `toml:"cert_path"`
	KeyPath           Path `toml:"key_path"`
	ClientCAPath      Path `toml:"client_ca_path"`
	RequireClientCert bool `toml:"require_client_cert"` // default true
}

// Audit is [server.audit] (spec §7.11).
type Audit struct {
	Enabled bool `toml:"enabled"` // default true
	// Path is the JSON Lines file to append to; unset means stderr.
	Path                Path `toml:"path"`
	LogPrecheckPayloads bool `toml:"log_precheck_payloads"`
}

// Feedback is [server.feedback].
type Feedback struct {
	ScenarioNext ScenarioNextFeedback `toml:"scenario_next"`
}

// ScenarioNextFeedback is [server.feedback.scenario_next] (spec §7.7).
type ScenarioNextFeedback struct {
	Default          FeedbackLevel `toml:"default"`            // default summary
	LocalOnlyDefault FeedbackLevel `toml:"local_only_default"` // default trace
	Max              FeedbackLevel `toml:"max"`                // default trace
	TraceSubjects    []string      `toml:"trace_subjects"`     // default ["loopback", "stdio"]
	TraceRoles       []string      `toml:"trace_roles"`
	EvidenceSubjects []string      `toml:"evidence_subjects"`
	EvidenceRoles    []string      `toml:"evidence_roles"`
}

// Tools is [server.tools] (spec §7.10).
type Tools struct {
	Mode      ToolsMode `toml:"mode"` // default filter
	Allowlist []string  `toml:"allowlist"`
	Denylist  []string  `toml:"denylist"`
}

// toolNames are the 18 MCP tools in canonical order (spec §2.1).
var toolNames = []string{
	"scenario_define", "scenario_start", "scenario_status", "scenario_next",
	"scenario_submit", "scenario_trigger", "evidence_query", "runpack_export",
	"runpack_verify", "providers_list", "provider_contract_get",
	"provider_check_schema_get", "schemas_register", "schemas_list",
	"schemas_get", "scenarios_list", "precheck", "decision_gate_docs_search",
}
