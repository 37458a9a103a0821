package config

import (
	"reflect"
	"slices"

	"github.com/BurntSushi/toml"
)

// ProviderType is providers[].type.
type ProviderType string

// Provider types: the reference's builtin and mcp, and this server's wasm.
const (
	ProviderBuiltin ProviderType = "builtin"
	ProviderMCP     ProviderType = "mcp"
	ProviderWasm    ProviderType = "wasm"
)

// Built-in provider names. The reference has the first four; assetcore is
// this server's built-in AssetCore reader (the reference reaches AssetCore
// only as the external MCP provider "assetcore_read").
const (
	BuiltinTime      = "time"
	BuiltinEnv       = "env"
	BuiltinJSON      = "json"
	BuiltinHTTP      = "http"
	BuiltinAssetCore = "assetcore"
	// BuiltinAssetCoreRead serves the same module under the reference's
	// provider id, so the reference's scenarios and anchor policies for
	// "assetcore_read" work unchanged. Unlike the others, the name is not
	// reserved: an mcp provider may use it (the reference does).
	BuiltinAssetCoreRead = "assetcore_read"
)

// builtinNames lists the built-in providers.
var builtinNames = []string{BuiltinTime, BuiltinEnv, BuiltinJSON, BuiltinHTTP, BuiltinAssetCore, BuiltinAssetCoreRead}

// IsBuiltin reports whether name is a built-in provider name.
func IsBuiltin(name string) bool { return slices.Contains(builtinNames, name) }

// IsReserved reports whether mcp and wasm providers may not use name: every
// built-in name but assetcore_read.
func IsReserved(name string) bool { return IsBuiltin(name) && name != BuiltinAssetCoreRead }

// BuiltinModule returns the embedded module a built-in name loads:
// assetcore for assetcore_read, else the name itself.
func BuiltinModule(name string) string {
	if name == BuiltinAssetCoreRead {
		return BuiltinAssetCore
	}
	return name
}

// Provider is one [[providers]] entry (spec §5, §8; broker and Wasm
// extensions in the package documentation).
//
// Exactly one of the typed configs is set for a builtin provider (the one
// for its name) and Grant may be set for a wasm provider; mcp providers
// have none.
type Provider struct {
	Name string       `toml:"name"`
	Type ProviderType `toml:"type"`

	// mcp transport: exactly one of Command (stdio) and URL (HTTP).
	Command           []string      `toml:"command"`
	URL               string        `toml:"url"`
	AllowInsecureHTTP bool          `toml:"allow_insecure_http"`
	CapabilitiesPath  Path          `toml:"capabilities_path"`
	Auth              *ProviderAuth `toml:"auth"`

	// Trust overrides trust.default_policy when non-nil.
	Trust    *TrustPolicy `toml:"trust"`
	AllowRaw bool         `toml:"allow_raw"`
	Timeouts Timeouts     `toml:"timeouts"`

	// wasm: the module, its signed manifest and the manifest signature.
	Module    Path `toml:"module"`
	Manifest  Path `toml:"manifest"`
	Signature Path `toml:"signature"`
	// Limits bound each call of a wasm or (wasm-backed) builtin provider.
	Limits WasmLimits `toml:"limits"`

	MCP // broker fields, mcp only

	// The decoded config table, by provider. Set by the decoder.
	Time      *TimeConfig      `toml:"-"`
	Env       *EnvConfig       `toml:"-"`
	JSON      *JSONConfig      `toml:"-"`
	HTTP      *HTTPConfig      `toml:"-"`
	AssetCore *AssetCoreConfig `toml:"-"`
	// Grant is a wasm provider's config table: the operator's capability
	// grant, checked against the module's manifest by the Wasm host.
	// Values are JSON-like: string, int64, float64, bool, []any and
	// map[string]any. Nil or empty grants nothing.
	Grant map[string]any `toml:"-"`
}

// ProviderAuth is providers[].auth.
type ProviderAuth struct {
	BearerToken Secret `toml:"bearer_token"`
	// BearerTokenEnv names the environment variable holding the token
	// (broker extension); it excludes BearerToken.
	BearerTokenEnv string `toml:"bearer_token_env"`
}

// Timeouts is providers[].timeouts.
type Timeouts struct {
	ConnectTimeoutMS int64 `toml:"connect_timeout_ms"` // default 2000, 100..10000
	RequestTimeoutMS int64 `toml:"request_timeout_ms"` // default 10000, 500..30000, >= connect
	// StartupTimeoutMS bounds an mcp backend's spawn or first handshake
	// (broker extension); default 5000, 500..30000.
	StartupTimeoutMS int64 `toml:"startup_timeout_ms"`
}

// WasmLimits is providers[].limits.
type WasmLimits struct {
	TimeoutMS      int64 `toml:"timeout_ms"`       // default 2000, 1..60000
	MemoryPages    int64 `toml:"memory_pages"`     // default 512 (32 MiB), 1..65536
	MaxInputBytes  int64 `toml:"max_input_bytes"`  // default 262144, 1..16777216
	MaxOutputBytes int64 `toml:"max_output_bytes"` // default 1048576, 1..16777216
	// PoolSize is the number of warm instances, 1..64; 0 means automatic,
	// see [WasmLimits.Pool].
	PoolSize int64 `toml:"pool_size"`
}

// Pool returns PoolSize, or min(gomaxprocs, 4) when PoolSize is 0
// (automatic). Callers pass runtime.GOMAXPROCS(0).
func (l WasmLimits) Pool(gomaxprocs int) int {
	if l.PoolSize > 0 {
		return int(l.PoolSize)
	}
	return max(1, min(gomaxprocs, 4))
}

// TimeConfig is the time provider's config (spec §5.2).
type TimeConfig struct {
	AllowLogical bool `toml:"allow_logical"` // default true
}

// EnvConfig is the env provider's config (spec §5.3).
type EnvConfig struct {
	// Allowlist is nil when unset (every key not denied is allowed); a
	// non-nil empty list allows nothing.
	Allowlist     []string `toml:"allowlist"`
	Denylist      []string `toml:"denylist"`        // default []
	MaxKeyBytes   int64    `toml:"max_key_bytes"`   // default 255
	MaxValueBytes int64    `toml:"max_value_bytes"` // default 65536
	// Overrides, when non-nil, is the only source of values.
	Overrides map[string]string `toml:"overrides"`
}

// JSONConfig is the json provider's config (spec §5.4). Whether Root
// exists is checked when the provider starts, not here.
type JSONConfig struct {
	Root      Path   `toml:"root"`
	RootID    string `toml:"root_id"`    // 1–64 of [a-z0-9_-]
	MaxBytes  int64  `toml:"max_bytes"`  // default 1048576
	AllowYAML bool   `toml:"allow_yaml"` // default true
}

// HTTPConfig is the http provider's config (spec §5.5).
type HTTPConfig struct {
	AllowHTTP        bool  `toml:"allow_http"`
	TimeoutMS        int64 `toml:"timeout_ms"`         // default 5000, >= 1
	MaxResponseBytes int64 `toml:"max_response_bytes"` // default 1048576
	// AllowedHosts is nil when unset (any host); non-nil restricts.
	AllowedHosts []string `toml:"allowed_hosts"`
	// AllowPrivateNetworks is optional (newer reference releases added
	// it); default false.
	AllowPrivateNetworks bool   `toml:"allow_private_networks"`
	UserAgent            string `toml:"user_agent"`     // default decision-gate/0.1
	HashAlgorithm        string `toml:"hash_algorithm"` // sha256
}

// AssetCoreConfig is the assetcore provider's config (spec §5.7).
type AssetCoreConfig struct {
	BaseURL     string `toml:"base_url"`
	NamespaceID string `toml:"namespace_id"`
	AuthToken   Secret `toml:"auth_token"`
}

// builtinConfigs describes each built-in's config table: its Go type and
// the keys a given table must set (fact 9 of spec §0.3).
var builtinConfigs = map[string]struct {
	typ      reflect.Type
	required []string
}{
	BuiltinTime:          {reflect.TypeFor[TimeConfig](), []string{"allow_logical"}},
	BuiltinEnv:           {reflect.TypeFor[EnvConfig](), []string{"denylist", "max_key_bytes", "max_value_bytes"}},
	BuiltinJSON:          {reflect.TypeFor[JSONConfig](), []string{"root", "root_id", "max_bytes", "allow_yaml"}},
	BuiltinHTTP:          {reflect.TypeFor[HTTPConfig](), []string{"allow_http", "timeout_ms", "max_response_bytes", "user_agent", "hash_algorithm"}},
	BuiltinAssetCore:     {reflect.TypeFor[AssetCoreConfig](), []string{"base_url", "namespace_id"}},
	BuiltinAssetCoreRead: {reflect.TypeFor[AssetCoreConfig](), []string{"base_url", "namespace_id"}},
}

// fileProvider is the decode shape of a [[providers]] entry: a Provider
// plus its config table, held back until the provider's type is known.
type fileProvider struct {
	Provider
	Config toml.Primitive `toml:"config"`
}

// primitiveShape implements primitiveShaper: the table type that the
// config key of the raw entry decodes into, or nil for a free-form (wasm)
// or forbidden (mcp) table.
func (fileProvider) primitiveShape(key string, entry map[string]any) reflect.Type {
	if key != "config" {
		return nil
	}
	typ, _ := entry["type"].(string)
	name, _ := entry["name"].(string)
	if ProviderType(typ) != ProviderBuiltin {
		return nil
	}
	if bc, ok := builtinConfigs[name]; ok {
		return bc.typ
	}
	return nil
}
