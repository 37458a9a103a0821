package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// applyDefaults is the one place defaults are injected. A default fills a
// key only when the file did not set it, so an explicit zero (say
// busy_timeout_ms = 0, or trace_subjects = []) is kept and validated.
// Optional tables (rate_limit, tls, assetcore, static, …) get their field
// defaults only when present. It also normalises anchors.required_fields.
func applyDefaults(c *Config) {
	d := defaulter{set: c.set}

	d.table(&c.Server, "server", defaults{
		"transport":       TransportStdio,
		"mode":            ModeStrict,
		"tls_termination": TLSTerminationServer,
		"max_body_bytes":  1 << 20,
	})
	d.table(&c.Server.Limits, "server.limits", defaults{"max_inflight": 256})
	if rl := c.Server.Limits.RateLimit; rl != nil {
		d.table(rl, "server.limits.rate_limit", defaults{
			"max_requests": 1000,
			"window_ms":    1000,
			"max_entries":  4096,
		})
	}
	d.table(&c.Server.Auth, "server.auth", defaults{"mode": AuthLocalOnly})
	if c.Server.TLS != nil {
		d.table(c.Server.TLS, "server.tls", defaults{"require_client_cert": true})
	}
	d.table(&c.Server.Audit, "server.audit", defaults{"enabled": true})
	d.table(&c.Server.Feedback.ScenarioNext, "server.feedback.scenario_next", defaults{
		"default":            FeedbackSummary,
		"local_only_default": FeedbackTrace,
		"max":                FeedbackTrace,
		"trace_subjects":     []string{"loopback", "stdio"},
	})
	d.table(&c.Server.Tools, "server.tools", defaults{"mode": ToolsFilter})

	d.table(&c.Dev, "dev", defaults{
		"permissive_scope":            "asserted_evidence_only",
		"permissive_warn":             true,
		"permissive_exempt_providers": []string{"assetcore_read", "assetcore"},
	})
	d.table(&c.Namespace.Authority, "namespace.authority", defaults{"mode": AuthorityNone})
	if ac := c.Namespace.Authority.AssetCore; ac != nil {
		d.table(ac, "namespace.authority.assetcore", defaults{
			"connect_timeout_ms": 500,
			"request_timeout_ms": 2000,
		})
	}
	// trust.default_policy: the zero TrustPolicy is audit.
	d.table(&c.Trust, "trust", defaults{"min_lane": LaneVerified})
	d.table(&c.Evidence, "evidence", defaults{"require_provider_opt_in": true})
	d.table(&c.ProviderDiscovery, "provider_discovery", defaults{"max_response_bytes": 1 << 20})
	d.table(&c.Validation, "validation", defaults{
		"strict":  true,
		"profile": "strict_core_v1",
	})
	d.table(&c.Policy, "policy", defaults{"engine": EnginePermitAll})
	if c.Policy.Static != nil {
		d.table(c.Policy.Static, "policy.static", defaults{"default": EffectDeny})
	}

	d.store(&c.RunStateStore.Store, "run_state_store")
	d.store(&c.SchemaRegistry.Store, "schema_registry")
	d.table(&c.SchemaRegistry, "schema_registry", defaults{"max_schema_bytes": 1 << 20})
	d.table(&c.SchemaRegistry.ACL, "schema_registry.acl", defaults{
		"mode":    ACLBuiltin,
		"default": "deny",
	})

	d.table(&c.Docs, "docs", defaults{
		"enabled":              true,
		"enable_search":        true,
		"enable_resources":     true,
		"include_default_docs": true,
		"max_doc_bytes":        256 << 10,
		"max_total_bytes":      1 << 20,
		"max_docs":             32,
		"max_sections":         10,
	})

	d.table(&c.Wasm, "wasm", defaults{"compile_cache": true})
	d.table(&c.ExternalMCP, "external_mcp", defaults{
		"preflight_on_start": true,
		"max_response_bytes": 1 << 20,
		"max_concurrency":    4,
		"max_queue":          16,
		"inherit_env":        []string{"PATH"},
		"stderr_tail_bytes":  64 << 10,
	})
	d.table(&c.ExternalMCP.CircuitBreaker, "external_mcp.circuit_breaker", defaults{
		"failure_threshold": 5,
		"open_ms":           30000,
		"half_open_max":     1,
	})
	d.table(&c.ProviderPolicy, "provider_policy", defaults{"default_effect": "allow"})

	for i := range c.Providers {
		d.provider(c, &c.Providers[i], index("providers", i))
	}

	for i := range c.Anchors.Providers {
		a := &c.Anchors.Providers[i]
		a.RequiredFields = normalizeFields(a.RequiredFields)
	}
}

// store fills the defaults of a run-state store or schema registry.
func (d defaulter) store(s *Store, key string) {
	d.table(s, key, defaults{
		"type":            StoreMemory,
		"busy_timeout_ms": 5000,
		"journal_mode":    "wal",
		"sync_mode":       "full",
	})
	if s.Type == StorePostgres {
		d.table(s, key, defaults{
			"port":      5432,
			"sslmode":   "verify-full",
			"max_conns": 8,
		})
	}
}

// provider fills the defaults of one [[providers]] entry at key. The
// external_mcp defaults must already be filled: mcp entries inherit them.
func (d defaulter) provider(c *Config, p *Provider, key string) {
	d.table(&p.Timeouts, key+".timeouts", defaults{
		"connect_timeout_ms": 2000,
		"request_timeout_ms": 10000,
	})
	switch p.Type {
	case ProviderBuiltin, ProviderWasm:
		d.table(&p.Limits, key+".limits", defaults{
			"timeout_ms":       2000,
			"memory_pages":     512,
			"max_input_bytes":  256 << 10,
			"max_output_bytes": 1 << 20,
		})
	case ProviderMCP:
		d.table(&p.Timeouts, key+".timeouts", defaults{"startup_timeout_ms": 5000})
		em := c.ExternalMCP
		concurrency := em.MaxConcurrency
		if len(p.Command) > 0 {
			concurrency = 1 // a stdio backend serves one call at a time
		}
		d.table(&p.MCP, key, defaults{
			"protocol":        ProtocolDGEvidence,
			"max_concurrency": concurrency,
			"max_queue":       em.MaxQueue,
		})
		d.table(&p.CircuitBreaker, key+".circuit_breaker", defaults{
			"failure_threshold": em.CircuitBreaker.FailureThreshold,
			"open_ms":           em.CircuitBreaker.OpenMS,
			"half_open_max":     em.CircuitBreaker.HalfOpenMax,
		})
		d.table(&p.Preflight, key+".preflight", defaults{"required": em.Strict})
	}
	if p.Type != ProviderBuiltin || d.set.has(key+".config") {
		return
	}
	// A builtin without a config table gets the provider's defaults
	// (spec §0.3 fact 9). json and assetcore have none: validation
	// reports the missing table.
	switch p.Name {
	case BuiltinTime:
		p.Time = &TimeConfig{AllowLogical: true}
	case BuiltinEnv:
		p.Env = &EnvConfig{Denylist: []string{}, MaxKeyBytes: 255, MaxValueBytes: 64 << 10}
	case BuiltinHTTP:
		p.HTTP = &HTTPConfig{
			TimeoutMS:        5000,
			MaxResponseBytes: 1 << 20,
			UserAgent:        "decision-gate/0.1",
			HashAlgorithm:    "sha256",
		}
	}
}

// normalizeFields trims, drops empty entries, sorts and de-duplicates.
func normalizeFields(fields []string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// resolvePaths fills Path.Resolved everywhere from dir.
func resolvePaths(c *Config, dir string) {
	var paths []*Path
	add := func(ps ...*Path) { paths = append(paths, ps...) }
	addPolicy := func(t *TrustPolicy) {
		if t != nil {
			for i := range t.Keys {
				add(&t.Keys[i])
			}
		}
	}
	if t := c.Server.TLS; t != nil {
		add(&t.CertPath, &t.KeyPath, &t.ClientCAPath)
	}
	add(&c.Server.Audit.Path, &c.RunStateStore.Path, &c.SchemaRegistry.Path, &c.Wasm.CacheDir)
	addPolicy(&c.Trust.DefaultPolicy)
	for i := range c.Docs.ExtraPaths {
		add(&c.Docs.ExtraPaths[i])
	}
	for i := range c.Wasm.TrustedKeys {
		add(&c.Wasm.TrustedKeys[i].Path)
	}
	for i := range c.Providers {
		p := &c.Providers[i]
		add(&p.CapabilitiesPath, &p.Module, &p.Manifest, &p.Signature)
		addPolicy(p.Trust)
		if p.JSON != nil {
			add(&p.JSON.Root)
		}
	}
	for _, p := range paths {
		p.resolve(dir)
	}
}

// defaults maps TOML keys of one table to their default values.
type defaults map[string]any

// defaulter fills defaults for keys absent from the file.
type defaulter struct {
	set keySet
}

// table sets each field of the struct at ptr whose TOML key is listed in
// defs and was not set at key.<name> in the file. A name the struct does
// not have, or a value that does not convert, is a bug in this package
// and panics.
func (d defaulter) table(ptr any, key string, defs defaults) {
	v := reflect.ValueOf(ptr).Elem()
	fields := tomlFields(v.Type())
	for name, def := range defs {
		f, ok := fields[name]
		if !ok {
			panic(fmt.Sprintf("config: default for unknown key %s", join(key, name)))
		}
		if d.set.has(join(key, name)) {
			continue
		}
		fv := v.FieldByIndex(f.Index)
		dv := reflect.ValueOf(def)
		if dv.Kind() == reflect.Slice {
			dv = reflect.AppendSlice(reflect.MakeSlice(dv.Type(), 0, dv.Len()), dv)
		}
		if !dv.Type().ConvertibleTo(fv.Type()) {
			panic(fmt.Sprintf("config: default for %s has type %s, want %s", join(key, name), dv.Type(), fv.Type()))
		}
		fv.Set(dv.Convert(fv.Type()))
	}
}
