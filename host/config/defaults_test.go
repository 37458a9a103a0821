package config

import (
	"bytes"
	"reflect"
	"testing"
)

// TestApplyDefaults_empty checks every default of spec §9 and the JSON
// schema on an empty file.
func TestApplyDefaults_empty(t *testing.T) {
	c, err := Parse(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"server.transport", c.Server.Transport, TransportStdio},
		{"server.mode", c.Server.Mode, ModeStrict},
		{"server.tls_termination", c.Server.TLSTermination, TLSTerminationServer},
		{"server.bind", c.Server.Bind, ""},
		{"server.max_body_bytes", c.Server.MaxBodyBytes, int64(1048576)},
		{"server.limits.max_inflight", c.Server.Limits.MaxInflight, int64(256)},
		{"server.limits.rate_limit", c.Server.Limits.RateLimit, (*RateLimit)(nil)},
		{"server.auth.mode", c.Server.Auth.Mode, AuthLocalOnly},
		{"server.tls", c.Server.TLS, (*TLS)(nil)},
		{"server.audit.enabled", c.Server.Audit.Enabled, true},
		{"server.audit.path", c.Server.Audit.Path.IsSet(), false},
		{"server.audit.log_precheck_payloads", c.Server.Audit.LogPrecheckPayloads, false},
		{"feedback.default", c.Server.Feedback.ScenarioNext.Default, FeedbackSummary},
		{"feedback.local_only_default", c.Server.Feedback.ScenarioNext.LocalOnlyDefault, FeedbackTrace},
		{"feedback.max", c.Server.Feedback.ScenarioNext.Max, FeedbackTrace},
		{"feedback.trace_subjects", c.Server.Feedback.ScenarioNext.TraceSubjects, []string{"loopback", "stdio"}},
		{"server.tools.mode", c.Server.Tools.Mode, ToolsFilter},
		{"dev.permissive", c.Dev.Permissive, false},
		{"dev.permissive_scope", c.Dev.PermissiveScope, "asserted_evidence_only"},
		{"dev.permissive_ttl_days", c.Dev.PermissiveTTLDays, (*int64)(nil)},
		{"dev.permissive_warn", c.Dev.PermissiveWarn, true},
		{"dev.permissive_exempt_providers", c.Dev.PermissiveExemptProviders, []string{"assetcore_read", "assetcore"}},
		{"namespace.allow_default", c.Namespace.AllowDefault, false},
		{"namespace.authority.mode", c.Namespace.Authority.Mode, AuthorityNone},
		{"trust.default_policy", c.Trust.DefaultPolicy.Audit(), true},
		{"trust.min_lane", c.Trust.MinLane, LaneVerified},
		{"evidence.allow_raw_values", c.Evidence.AllowRawValues, false},
		{"evidence.require_provider_opt_in", c.Evidence.RequireProviderOptIn, true},
		{"provider_discovery.max_response_bytes", c.ProviderDiscovery.MaxResponseBytes, int64(1048576)},
		{"validation.strict", c.Validation.Strict, true},
		{"validation.profile", c.Validation.Profile, "strict_core_v1"},
		{"validation.allow_permissive", c.Validation.AllowPermissive, false},
		{"policy.engine", c.Policy.Engine, EnginePermitAll},
		{"policy.static", c.Policy.Static, (*StaticPolicy)(nil)},
		{"run_state_store.type", c.RunStateStore.Type, StoreMemory},
		{"run_state_store.busy_timeout_ms", c.RunStateStore.BusyTimeoutMS, int64(5000)},
		{"run_state_store.journal_mode", c.RunStateStore.JournalMode, "wal"},
		{"run_state_store.sync_mode", c.RunStateStore.SyncMode, "full"},
		{"run_state_store.max_versions", c.RunStateStore.MaxVersions, (*int64)(nil)},
		{"run_state_store.port", c.RunStateStore.Port, int64(0)},
		{"schema_registry.type", c.SchemaRegistry.Type, StoreMemory},
		{"schema_registry.max_schema_bytes", c.SchemaRegistry.MaxSchemaBytes, int64(1048576)},
		{"schema_registry.max_entries", c.SchemaRegistry.MaxEntries, (*int64)(nil)},
		{"schema_registry.acl.mode", c.SchemaRegistry.ACL.Mode, ACLBuiltin},
		{"schema_registry.acl.default", c.SchemaRegistry.ACL.Default, "deny"},
		{"schema_registry.acl.allow_local_only", c.SchemaRegistry.ACL.AllowLocalOnly, false},
		{"schema_registry.acl.require_signing", c.SchemaRegistry.ACL.RequireSigning, false},
		{"docs.enabled", c.Docs.Enabled, true},
		{"docs.enable_search", c.Docs.EnableSearch, true},
		{"docs.enable_resources", c.Docs.EnableResources, true},
		{"docs.include_default_docs", c.Docs.IncludeDefaultDocs, true},
		{"docs.max_doc_bytes", c.Docs.MaxDocBytes, int64(262144)},
		{"docs.max_total_bytes", c.Docs.MaxTotalBytes, int64(1048576)},
		{"docs.max_docs", c.Docs.MaxDocs, int64(32)},
		{"docs.max_sections", c.Docs.MaxSections, int64(10)},
		{"runpack_storage", c.RunpackStorage, (*RunpackStorage)(nil)},
		{"providers", len(c.Providers), 0},
		{"wasm.allow_unsigned", c.Wasm.AllowUnsigned, false},
		{"wasm.compile_cache", c.Wasm.CompileCache, true},
		{"external_mcp.strict", c.ExternalMCP.Strict, false},
		{"external_mcp.preflight_on_start", c.ExternalMCP.PreflightOnStart, true},
		{"external_mcp.max_response_bytes", c.ExternalMCP.MaxResponseBytes, int64(1048576)},
		{"external_mcp.max_concurrency", c.ExternalMCP.MaxConcurrency, int64(4)},
		{"external_mcp.max_queue", c.ExternalMCP.MaxQueue, int64(16)},
		{"external_mcp.inherit_env", c.ExternalMCP.InheritEnv, []string{"PATH"}},
		{"external_mcp.stderr_tail_bytes", c.ExternalMCP.StderrTailBytes, int64(65536)},
		{"external_mcp.circuit_breaker", c.ExternalMCP.CircuitBreaker, CircuitBreaker{5, 30000, 1}},
		{"provider_policy.default_effect", c.ProviderPolicy.DefaultEffect, "allow"},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %#v, want %#v", ck.name, ck.got, ck.want)
		}
	}
}

// TestApplyDefaults_explicitKept checks that explicit values equal to a
// zero or an empty list are kept, not replaced by defaults.
func TestApplyDefaults_explicitKept(t *testing.T) {
	src := `
[server.feedback.scenario_next]
trace_subjects = []

[dev]
permissive_warn = false
permissive_exempt_providers = []

[run_state_store]
type = "sqlite"
path = "x.db"
busy_timeout_ms = 0

[validation]
strict = false
allow_permissive = true
`
	c, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Server.Feedback.ScenarioNext.TraceSubjects); n != 0 {
		t.Errorf("trace_subjects has %d entries, want the explicit []", n)
	}
	if c.Dev.PermissiveWarn || len(c.Dev.PermissiveExemptProviders) != 0 {
		t.Errorf("dev = %+v, want explicit values kept", c.Dev)
	}
	if c.RunStateStore.BusyTimeoutMS != 0 {
		t.Errorf("busy_timeout_ms = %d, want explicit 0", c.RunStateStore.BusyTimeoutMS)
	}
	if c.Validation.Strict {
		t.Error("validation.strict = true, want explicit false")
	}
}

// TestApplyDefaults_tablesAndProviders checks defaults inside optional
// tables and [[providers]] entries, and mcp inheritance.
func TestApplyDefaults_tablesAndProviders(t *testing.T) {
	src := `
[server.limits.rate_limit]
window_ms = 500

[server]
transport = "http"
bind = "127.0.0.1:4000"

[server.tls]
cert_path = "c.pem"
key_path = "k.pem"

[namespace.authority]
mode = "assetcore_http"

[namespace.authority.assetcore]
base_url = "https://ac.example.com"

[policy]
engine = "static"

[policy.static]

[run_state_store]
type = "postgres"
dsn_env = "DSN"

[external_mcp]
strict = true
max_queue = 3

[external_mcp.circuit_breaker]
open_ms = 5000

[provider_policy]
version = "v1"

[[anchors.providers]]
provider_id = "p"
anchor_type = "t"
required_fields = [" b", "a", "", "b ", "a"]

[[providers]]
name = "time"
type = "builtin"

[[providers]]
name = "env"
type = "builtin"

[[providers]]
name = "http"
type = "builtin"

[[providers]]
name = "stdio"
type = "mcp"
command = ["p"]
command_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
contract_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
allow_unenforced_egress = true
capabilities_path = "p.json"
circuit_breaker = { failure_threshold = 2 }

[[providers]]
name = "acme.x"
type = "wasm"
module = "x.wasm"
manifest = "x.json"
signature = "x.sig"

[[wasm.trusted_keys]]
path = "acme.pub"
providers = ["acme.*"]
`
	c, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *c.Server.Limits.RateLimit, (RateLimit{1000, 500, 4096}); got != want {
		t.Errorf("rate_limit = %+v, want %+v", got, want)
	}
	if !c.Server.TLS.RequireClientCert {
		t.Error("tls.require_client_cert = false, want default true")
	}
	ac := c.Namespace.Authority.AssetCore
	if ac.ConnectTimeoutMS != 500 || ac.RequestTimeoutMS != 2000 {
		t.Errorf("assetcore timeouts = %d/%d, want 500/2000", ac.ConnectTimeoutMS, ac.RequestTimeoutMS)
	}
	if c.Policy.Static.Default != EffectDeny {
		t.Errorf("policy.static.default = %q, want deny", c.Policy.Static.Default)
	}
	pg := c.RunStateStore.Postgres
	if pg.Port != 5432 || pg.SSLMode != "verify-full" || pg.MaxConns != 8 {
		t.Errorf("postgres defaults = %+v", pg)
	}
	if got := c.Anchors.Providers[0].RequiredFields; !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("required_fields = %q, want [a b]", got)
	}

	p, _ := c.Provider("time")
	if p.Time == nil || !p.Time.AllowLogical || p.Timeouts != (Timeouts{2000, 10000, 0}) {
		t.Errorf("time provider = %+v", p)
	}
	if p.Limits != (WasmLimits{2000, 512, 262144, 1048576, 0}) || p.Limits.Pool(16) != 4 || p.Limits.Pool(2) != 2 {
		t.Errorf("time limits = %+v", p.Limits)
	}
	p, _ = c.Provider("env")
	if want := (&EnvConfig{Denylist: []string{}, MaxKeyBytes: 255, MaxValueBytes: 65536}); !reflect.DeepEqual(p.Env, want) {
		t.Errorf("env config = %+v, want %+v", p.Env, want)
	}
	p, _ = c.Provider("http")
	if want := (&HTTPConfig{TimeoutMS: 5000, MaxResponseBytes: 1 << 20, UserAgent: "decision-gate/0.1", HashAlgorithm: "sha256"}); !reflect.DeepEqual(p.HTTP, want) {
		t.Errorf("http config = %+v, want %+v", p.HTTP, want)
	}
	p, _ = c.Provider("stdio")
	if p.Protocol != ProtocolDGEvidence || p.MaxConcurrency != 1 || p.MaxQueue != 3 || !p.Preflight.Required {
		t.Errorf("mcp defaults = %+v", p.MCP)
	}
	if p.CircuitBreaker != (CircuitBreaker{2, 5000, 1}) {
		t.Errorf("circuit_breaker = %+v, want threshold 2 with the rest inherited", p.CircuitBreaker)
	}
	if p.Timeouts.StartupTimeoutMS != 5000 {
		t.Errorf("startup_timeout_ms = %d", p.Timeouts.StartupTimeoutMS)
	}
	p, _ = c.Provider("acme.x")
	if p.Limits.TimeoutMS != 2000 || p.Limits.MemoryPages != 512 || p.Grant != nil {
		t.Errorf("wasm provider = %+v", p)
	}
}

// TestDefault checks the embedded default config of `serve`.
func TestDefault(t *testing.T) {
	c := Default()
	if c.Server.Transport != TransportHTTP || c.Server.Bind != "127.0.0.1:4000" || c.Server.Auth.Mode != AuthLocalOnly {
		t.Errorf("server = %+v", c.Server)
	}
	var subjects []string
	for _, p := range c.Server.Auth.Principals {
		subjects = append(subjects, p.Subject)
		if len(p.Roles) != 1 || p.Roles[0].Name != "TenantAdmin" || *p.Roles[0].TenantID != 1 || *p.Roles[0].NamespaceID != 1 {
			t.Errorf("principal %s roles = %+v", p.Subject, p.Roles)
		}
	}
	if !reflect.DeepEqual(subjects, []string{"loopback", "stdio"}) {
		t.Errorf("principals = %v", subjects)
	}
	if !c.Namespace.AllowDefault || !reflect.DeepEqual(c.Namespace.DefaultTenants, []int64{1}) {
		t.Errorf("namespace = %+v", c.Namespace)
	}
	if !c.SchemaRegistry.ACL.AllowLocalOnly || c.SchemaRegistry.Type != StoreMemory || c.RunStateStore.Type != StoreMemory {
		t.Errorf("stores = %+v / %+v", c.RunStateStore, c.SchemaRegistry)
	}
	var names []string
	for _, p := range c.Providers {
		names = append(names, p.Name)
		if p.Type != ProviderBuiltin {
			t.Errorf("provider %s type %s", p.Name, p.Type)
		}
	}
	if !reflect.DeepEqual(names, []string{"time", "env", "json", "http"}) {
		t.Errorf("providers = %v", names)
	}
	j, _ := c.Provider("json")
	if j.JSON.Root.Raw != "." || j.JSON.Root.Resolved != "." || j.JSON.RootID != "workdir" {
		t.Errorf("json config = %+v", j.JSON)
	}
	if c.DevPermissive() {
		t.Error("default is dev-permissive")
	}
	if Default() == c {
		t.Error("Default returned a shared Config")
	}
	out := DefaultTOML()
	out[0] = 'X'
	if bytes.Equal(out, DefaultTOML()) {
		t.Error("DefaultTOML returned the embedded slice itself")
	}
}

// TestResolvePaths checks Raw and Resolved of relative and absolute paths.
func TestResolvePaths(t *testing.T) {
	src := `
[trust]
default_policy = { require_signature = { keys = ["keys/a.pub", "/etc/dg/b.pub"] } }

[[providers]]
name = "json"
type = "builtin"
config = { root = "./evidence", root_id = "ev", max_bytes = 1, allow_yaml = true }
`
	c, err := Parse([]byte(src), "/srv/dg")
	if err != nil {
		t.Fatal(err)
	}
	keys := c.Trust.DefaultPolicy.Keys
	if keys[0] != (Path{"keys/a.pub", "/srv/dg/keys/a.pub"}) || keys[1] != (Path{"/etc/dg/b.pub", "/etc/dg/b.pub"}) {
		t.Errorf("keys = %+v", keys)
	}
	j, _ := c.Provider("json")
	if j.JSON.Root != (Path{"./evidence", "/srv/dg/evidence"}) {
		t.Errorf("root = %+v", j.JSON.Root)
	}
	if c.Dir != "/srv/dg" {
		t.Errorf("Dir = %q", c.Dir)
	}
}
