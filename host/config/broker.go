package config

// Broker extension (design/broker.md §4.2): defaults for external MCP
// backends, per-backend fields and the provider policy. The fields parse
// and validate now; the broker that uses them comes later.

// MCP protocols a backend may speak.
const (
	// ProtocolDGEvidence is the Decision Gate SDK protocol: Content-Length
	// frames on stdio, one POST per call on HTTP, no initialize.
	ProtocolDGEvidence = "dg_evidence_v1"
	// ProtocolMCP is standard MCP with the initialize handshake.
	ProtocolMCP = "mcp"
)

// ExternalMCP is [external_mcp]: defaults for every mcp provider.
type ExternalMCP struct {
	// Strict is high-assurance mode (broker.md §4.3.7).
	Strict               bool     `toml:"strict"`
	PreflightOnStart     bool     `toml:"preflight_on_start"` // default true
	AllowPrivateNetworks bool     `toml:"allow_private_networks"`
	PrivateCIDRAllowlist []string `toml:"private_cidr_allowlist"`
	MaxResponseBytes     int64    `toml:"max_response_bytes"` // default 1048576, 1..16777216
	MaxConcurrency       int64    `toml:"max_concurrency"`    // default 4, 1..256
	MaxQueue             int64    `toml:"max_queue"`          // default 16, 0..4096
	// InheritEnv are host variables passed to every stdio child;
	// default ["PATH"].
	InheritEnv      []string       `toml:"inherit_env"`
	StderrTailBytes int64          `toml:"stderr_tail_bytes"` // default 65536, 0..1048576
	CircuitBreaker  CircuitBreaker `toml:"circuit_breaker"`
}

// CircuitBreaker configures the passive per-backend breaker.
type CircuitBreaker struct {
	FailureThreshold int64 `toml:"failure_threshold"` // default 5, 1..100
	OpenMS           int64 `toml:"open_ms"`           // default 30000, 1000..600000
	HalfOpenMax      int64 `toml:"half_open_max"`     // default 1, 1..10
}

// MCP holds the broker fields of an mcp [[providers]] entry. After
// [Parse], CircuitBreaker, MaxConcurrency and MaxQueue hold the effective
// values, inherited from [ExternalMCP] where the entry is silent.
type MCP struct {
	Protocol              string            `toml:"protocol"` // default dg_evidence_v1
	Optional              bool              `toml:"optional"`
	EgressAllowlist       []string          `toml:"egress_allowlist"`
	AllowUnenforcedEgress bool              `toml:"allow_unenforced_egress"`
	RequiredEnv           []string          `toml:"required_env"`
	EnvPassthrough        []string          `toml:"env_passthrough"`
	Env                   map[string]string `toml:"env"`
	CommandSHA256         string            `toml:"command_sha256"`
	ContractSHA256        string            `toml:"contract_sha256"`
	CircuitBreaker        CircuitBreaker    `toml:"circuit_breaker"`
	Preflight             Preflight         `toml:"preflight"`
	// MaxConcurrency is always 1 for a stdio backend.
	MaxConcurrency int64 `toml:"max_concurrency"`
	MaxQueue       int64 `toml:"max_queue"`
}

// Preflight is providers[].preflight.
type Preflight struct {
	// Required defaults to external_mcp.strict.
	Required     bool   `toml:"required"`
	ProbeCheckID string `toml:"probe_check_id"`
	// ProbeParams are the probe's params, free-form.
	ProbeParams map[string]any `toml:"probe_params"`
}

// ProviderPolicy is [provider_policy]: which provider checks scenarios may
// use (broker.md §4.2.3).
type ProviderPolicy struct {
	Version       string               `toml:"version"`
	DefaultEffect string               `toml:"default_effect"` // allow (default) | deny
	Rules         []ProviderPolicyRule `toml:"rules"`          // at most 256
}

// ProviderPolicyRule is one [[provider_policy.rules]] entry; a deny that
// matches always wins over an allow.
type ProviderPolicyRule struct {
	Effect     string   `toml:"effect"`    // allow | deny
	Providers  []string `toml:"providers"` // names, or ["*"]
	Checks     []string `toml:"checks"`    // check ids, or ["*"]
	Tenants    []int64  `toml:"tenants"`
	Namespaces []int64  `toml:"namespaces"`
}
