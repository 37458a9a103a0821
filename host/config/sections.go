package config

// Dev is [dev] (spec §7.9).
type Dev struct {
	Permissive      bool   `toml:"permissive"`
	PermissiveScope string `toml:"permissive_scope"` // default asserted_evidence_only
	// PermissiveTTLDays is nil when unset; when set it is at least 1.
	PermissiveTTLDays *int64 `toml:"permissive_ttl_days"`
	PermissiveWarn    bool   `toml:"permissive_warn"` // default true
	// PermissiveExemptProviders keep the verified lane in dev-permissive
	// mode; default ["assetcore_read", "assetcore"].
	PermissiveExemptProviders []string `toml:"permissive_exempt_providers"`
}

// AuthorityMode is namespace.authority.mode.
type AuthorityMode string

// Namespace authorities (spec §7.3).
const (
	AuthorityNone          AuthorityMode = "none"
	AuthorityAssetCoreHTTP AuthorityMode = "assetcore_http"
)

// Namespace is [namespace] (spec §7.3).
type Namespace struct {
	AllowDefault   bool               `toml:"allow_default"`
	DefaultTenants []int64            `toml:"default_tenants"`
	Authority      NamespaceAuthority `toml:"authority"`
}

// NamespaceAuthority is [namespace.authority].
type NamespaceAuthority struct {
	Mode AuthorityMode `toml:"mode"` // default none
	// AssetCore is set exactly when Mode is assetcore_http.
	AssetCore *AssetCoreAuthority `toml:"assetcore"`
}

// AssetCoreAuthority is [namespace.authority.assetcore].
type AssetCoreAuthority struct {
	BaseURL          string `toml:"base_url"`
	AuthToken        Secret `toml:"auth_token"`
	ConnectTimeoutMS int64  `toml:"connect_timeout_ms"` // default 500, 100..10000
	RequestTimeoutMS int64  `toml:"request_timeout_ms"` // default 2000, 500..30000
}

// Lane is a trust lane (spec §3.6).
type Lane string

// Trust lanes.
const (
	LaneVerified Lane = "verified"
	LaneAsserted Lane = "asserted"
)

// Trust is [trust].
type Trust struct {
	// DefaultPolicy applies to every provider without its own trust.
	DefaultPolicy TrustPolicy `toml:"default_policy"` // default audit
	MinLane       Lane        `toml:"min_lane"`       // default verified
}

// Evidence is [evidence].
type Evidence struct {
	AllowRawValues       bool `toml:"allow_raw_values"`
	RequireProviderOptIn bool `toml:"require_provider_opt_in"` // default true
}

// ProviderDiscovery is [provider_discovery].
type ProviderDiscovery struct {
	Allowlist        []string `toml:"allowlist"`
	Denylist         []string `toml:"denylist"`
	MaxResponseBytes int64    `toml:"max_response_bytes"` // default 1048576
}

// Anchors is [anchors] (spec §3.13).
type Anchors struct {
	Providers []AnchorProvider `toml:"providers"`
}

// AnchorProvider is one [[anchors.providers]] entry. After [Parse],
// RequiredFields is trimmed, without empty entries, sorted and de-duplicated.
type AnchorProvider struct {
	ProviderID     string   `toml:"provider_id"`
	AnchorType     string   `toml:"anchor_type"`
	RequiredFields []string `toml:"required_fields"`
}

// Validation is [validation] (spec §3.7).
type Validation struct {
	Strict              bool   `toml:"strict"`  // default true
	Profile             string `toml:"profile"` // default strict_core_v1
	AllowPermissive     bool   `toml:"allow_permissive"`
	EnableLexicographic bool   `toml:"enable_lexicographic"`
	EnableDeepEquals    bool   `toml:"enable_deep_equals"`
}

// Docs is [docs] (spec §7.13).
type Docs struct {
	Enabled            bool   `toml:"enabled"`              // default true
	EnableSearch       bool   `toml:"enable_search"`        // default true
	EnableResources    bool   `toml:"enable_resources"`     // default true
	IncludeDefaultDocs bool   `toml:"include_default_docs"` // default true
	ExtraPaths         []Path `toml:"extra_paths"`          // at most 64
	MaxDocBytes        int64  `toml:"max_doc_bytes"`        // default 262144, 1..1048576
	MaxTotalBytes      int64  `toml:"max_total_bytes"`      // default 1048576, 1..8388608
	MaxDocs            int64  `toml:"max_docs"`             // default 32, 1..256
	MaxSections        int64  `toml:"max_sections"`         // default 10, 1..10
}

// RunpackStorage is [runpack_storage] (spec §6.6).
type RunpackStorage struct {
	Type           string `toml:"type"`     // "object_store", required
	Provider       string `toml:"provider"` // "s3", required
	Bucket         string `toml:"bucket"`
	Region         string `toml:"region"`
	Endpoint       string `toml:"endpoint"`
	Prefix         string `toml:"prefix"`
	ForcePathStyle bool   `toml:"force_path_style"`
	AllowHTTP      bool   `toml:"allow_http"`
}
