package config

import (
	"net/netip"
	"strings"
)

// server checks [server] and its sub-tables (spec §7.1, §7.7, §7.10, §9).
func (v *validator) server() {
	s := &v.c.Server
	v.enum("server.transport", string(s.Transport), "stdio", "http", "sse")
	v.enum("server.mode", string(s.Mode), "strict", "dev_permissive")
	v.enum("server.tls_termination", string(s.TLSTermination), "server", "upstream")
	v.atLeast("server.max_body_bytes", s.MaxBodyBytes, 1)
	v.atLeast("server.limits.max_inflight", s.Limits.MaxInflight, 1)
	if rl := s.Limits.RateLimit; rl != nil {
		v.between("server.limits.rate_limit.max_requests", rl.MaxRequests, 1, 100000)
		v.between("server.limits.rate_limit.window_ms", rl.WindowMS, 100, 60000)
		v.between("server.limits.rate_limit.max_entries", rl.MaxEntries, 1, 65536)
	}
	v.auth()
	if t := s.TLS; t != nil {
		v.path("server.tls.cert_path", t.CertPath, true)
		v.path("server.tls.key_path", t.KeyPath, true)
		v.path("server.tls.client_ca_path", t.ClientCAPath, false)
	}
	v.path("server.audit.path", s.Audit.Path, false)

	fb := s.Feedback.ScenarioNext
	const fbKey = "server.feedback.scenario_next"
	levels := []string{"summary", "trace", "evidence"}
	v.enum(fbKey+".default", string(fb.Default), levels...)
	v.enum(fbKey+".local_only_default", string(fb.LocalOnlyDefault), levels...)
	v.enum(fbKey+".max", string(fb.Max), levels...)
	if fb.Max.Rank() >= 0 {
		if fb.Default.Rank() > fb.Max.Rank() {
			v.add(fbKey+".default", "%q exceeds max %q", fb.Default, fb.Max)
		}
		if fb.LocalOnlyDefault.Rank() > fb.Max.Rank() {
			v.add(fbKey+".local_only_default", "%q exceeds max %q", fb.LocalOnlyDefault, fb.Max)
		}
	}
	v.nonBlankItems(fbKey+".trace_subjects", fb.TraceSubjects)
	v.nonBlankItems(fbKey+".trace_roles", fb.TraceRoles)
	v.nonBlankItems(fbKey+".evidence_subjects", fb.EvidenceSubjects)
	v.nonBlankItems(fbKey+".evidence_roles", fb.EvidenceRoles)

	v.enum("server.tools.mode", string(s.Tools.Mode), "filter", "passthrough")
	for _, l := range []struct {
		key  string
		list []string
	}{{"server.tools.allowlist", s.Tools.Allowlist}, {"server.tools.denylist", s.Tools.Denylist}} {
		if v.maxItems(l.key, len(l.list), 128) {
			for i, name := range l.list {
				v.toolName(index(l.key, i), name)
			}
		}
	}

	switch s.Transport {
	case TransportHTTP, TransportSSE:
		v.bind(s)
	case TransportStdio:
		if s.Auth.Mode != AuthLocalOnly {
			v.add("server.auth.mode", "transport stdio supports only local_only (got %q)", s.Auth.Mode)
		}
		if s.TLS != nil {
			v.add("server.tls", "transport stdio does not use TLS")
		}
		v.forbid("server.bind", "is used only by transport http or sse")
	}
}

// bind checks server.bind for the http and sse transports.
func (v *validator) bind(s *Server) {
	const key = "server.bind"
	if strings.TrimSpace(s.Bind) == "" {
		v.add(key, "is required for transport %q", s.Transport)
		return
	}
	ap, err := netip.ParseAddrPort(strings.TrimSpace(s.Bind))
	if err != nil {
		v.add(key, "must be an IP address and port such as 127.0.0.1:4000 (got %q)", s.Bind)
		return
	}
	if !ap.Addr().Unmap().IsLoopback() && s.Auth.Mode == AuthLocalOnly {
		v.add(key, "non-loopback address %s needs server.auth.mode bearer_token or mtls (local_only serves loopback callers only)", ap)
	}
}

// auth checks [server.auth] (spec §7.1, §7.2).
func (v *validator) auth() {
	a := &v.c.Server.Auth
	v.enum("server.auth.mode", string(a.Mode), "local_only", "bearer_token", "mtls")
	const tokens = "server.auth.bearer_tokens"
	if v.maxItems(tokens, len(a.BearerTokens), 64) {
		for i, t := range a.BearerTokens {
			v.token(index(tokens, i), t)
		}
	}
	const subjects = "server.auth.mtls_subjects"
	if v.maxItems(subjects, len(a.MTLSSubjects), 64) {
		for i, s := range a.MTLSSubjects {
			v.subject(index(subjects, i), s)
		}
	}
	const tools = "server.auth.allowed_tools"
	if v.maxItems(tools, len(a.AllowedTools), 128) {
		for i, name := range a.AllowedTools {
			v.toolName(index(tools, i), name)
		}
	}
	const principals = "server.auth.principals"
	if v.maxItems(principals, len(a.Principals), 64) {
		for i, p := range a.Principals {
			key := index(principals, i)
			v.nonBlank(key+".subject", p.Subject)
			v.optional(key+".policy_class", p.PolicyClass)
			if !v.maxItems(key+".roles", len(p.Roles), 128) {
				continue
			}
			for j, r := range p.Roles {
				rk := index(key+".roles", j)
				v.nonBlank(rk+".name", r.Name)
				if r.TenantID != nil {
					v.atLeast(rk+".tenant_id", *r.TenantID, 1)
				}
				if r.NamespaceID != nil {
					v.atLeast(rk+".namespace_id", *r.NamespaceID, 1)
				}
			}
		}
	}
	switch a.Mode {
	case AuthBearerToken:
		if len(a.BearerTokens) == 0 {
			v.add(tokens, "bearer_token mode needs at least one token")
		}
	case AuthMTLS:
		if len(a.MTLSSubjects) == 0 {
			v.add(subjects, "mtls mode needs at least one subject")
		}
	}
}

// token checks a bearer token without ever printing it.
func (v *validator) token(key string, t Secret) {
	s := t.Reveal()
	switch {
	case strings.TrimSpace(s) == "":
		v.add(key, "must not be empty")
	case len(s) > 256:
		v.add(key, "must be at most 256 bytes long")
	case strings.TrimSpace(s) != s:
		v.add(key, "must not have leading or trailing whitespace")
	}
}

// subject checks an mTLS or client subject.
func (v *validator) subject(key, s string) {
	if v.nonBlank(key, s) && len(s) > 512 {
		v.add(key, "must be at most 512 bytes long")
	}
}

// dev checks [dev] (spec §7.9).
func (v *validator) dev() {
	d := &v.c.Dev
	v.enum("dev.permissive_scope", d.PermissiveScope, "asserted_evidence_only")
	if d.PermissiveTTLDays != nil {
		v.atLeast("dev.permissive_ttl_days", *d.PermissiveTTLDays, 1)
	}
	v.nonBlankItems("dev.permissive_exempt_providers", d.PermissiveExemptProviders)
	if v.c.DevPermissive() && v.c.ExternalMCP.Strict {
		key := "dev.permissive"
		if !d.Permissive {
			key = "server.mode"
		}
		v.add(key, "dev-permissive mode is refused when [external_mcp] strict = true")
	}
	if v.c.DevPermissive() && v.c.Namespace.Authority.Mode == AuthorityAssetCoreHTTP {
		key := "dev.permissive"
		if !d.Permissive {
			key = "server.mode"
		}
		v.add(key, "dev-permissive mode cannot be used with namespace.authority.mode = %q", AuthorityAssetCoreHTTP)
	}
}

// namespace checks [namespace] (spec §7.3).
func (v *validator) namespace() {
	n := &v.c.Namespace
	v.ids("namespace.default_tenants", n.DefaultTenants)
	if n.AllowDefault && len(n.DefaultTenants) == 0 {
		v.add("namespace.default_tenants", "must not be empty when allow_default = true")
	}
	const key = "namespace.authority"
	v.enum(key+".mode", string(n.Authority.Mode), "none", "assetcore_http")
	ac := n.Authority.AssetCore
	switch {
	case n.Authority.Mode == AuthorityNone && ac != nil:
		v.add(key+".assetcore", "is allowed only with mode = %q", AuthorityAssetCoreHTTP)
	case n.Authority.Mode == AuthorityAssetCoreHTTP && ac == nil:
		v.add(key+".assetcore", "is required with mode = %q", AuthorityAssetCoreHTTP)
	}
	if ac != nil {
		v.httpURL(key+".assetcore.base_url", ac.BaseURL)
		v.secret(key+".assetcore.auth_token", ac.AuthToken)
		v.between(key+".assetcore.connect_timeout_ms", ac.ConnectTimeoutMS, 100, 10000)
		v.between(key+".assetcore.request_timeout_ms", ac.RequestTimeoutMS, 500, 30000)
	}
}

// secret checks an optional secret: when written, it must not be blank.
func (v *validator) secret(key string, s Secret) {
	if (v.isSet(key) || s.IsSet()) && strings.TrimSpace(s.Reveal()) == "" {
		v.add(key, "must not be empty")
	}
}

// trust checks [trust].
func (v *validator) trust() {
	v.trustPolicy("trust.default_policy", v.c.Trust.DefaultPolicy)
	v.enum("trust.min_lane", string(v.c.Trust.MinLane), "verified", "asserted")
}

// discovery checks [provider_discovery].
func (v *validator) discovery() {
	d := &v.c.ProviderDiscovery
	v.nonBlankItems("provider_discovery.allowlist", d.Allowlist)
	v.nonBlankItems("provider_discovery.denylist", d.Denylist)
	v.atLeast("provider_discovery.max_response_bytes", d.MaxResponseBytes, 1)
}

// anchors checks [[anchors.providers]] (spec §3.13).
func (v *validator) anchors() {
	seen := map[string]string{}
	for i, a := range v.c.Anchors.Providers {
		key := index("anchors.providers", i)
		if v.trimmed(key+".provider_id", a.ProviderID) {
			if prev, dup := seen[a.ProviderID]; dup {
				v.add(key+".provider_id", "duplicate provider_id %q (also %s)", a.ProviderID, prev)
			} else {
				seen[a.ProviderID] = key
			}
		}
		v.nonBlank(key+".anchor_type", a.AnchorType)
		if len(a.RequiredFields) == 0 {
			v.add(key+".required_fields", "must list at least one non-empty field")
		}
	}
}

// validation checks [validation].
func (v *validator) validation() {
	c := &v.c.Validation
	v.enum("validation.profile", c.Profile, "strict_core_v1")
	if !c.Strict && !c.AllowPermissive {
		v.add("validation.strict", "false requires validation.allow_permissive = true")
	}
}

// docs checks [docs] (spec §7.13).
func (v *validator) docs() {
	d := &v.c.Docs
	v.between("docs.max_doc_bytes", d.MaxDocBytes, 1, 1<<20)
	v.between("docs.max_total_bytes", d.MaxTotalBytes, 1, 8<<20)
	v.between("docs.max_docs", d.MaxDocs, 1, 256)
	v.between("docs.max_sections", d.MaxSections, 1, 10)
	if v.maxItems("docs.extra_paths", len(d.ExtraPaths), 64) {
		for i, p := range d.ExtraPaths {
			v.pathItem(index("docs.extra_paths", i), p)
		}
	}
}

// runpackStorage checks [runpack_storage] (spec §6.6).
func (v *validator) runpackStorage() {
	r := v.c.RunpackStorage
	if r == nil {
		return
	}
	const key = "runpack_storage"
	v.enum(key+".type", r.Type, "object_store")
	v.enum(key+".provider", r.Provider, "s3")
	v.nonBlank(key+".bucket", r.Bucket)
	v.optional(key+".region", r.Region)
	if v.isSet(key+".endpoint") || r.Endpoint != "" {
		if u := v.httpURL(key+".endpoint", r.Endpoint); u != nil && u.Scheme == "http" && !r.AllowHTTP {
			v.add(key+".endpoint", "an http:// endpoint needs allow_http = true")
		}
	}
	if v.isSet(key+".prefix") || r.Prefix != "" {
		v.prefix(key+".prefix", r.Prefix)
	}
}

// prefix checks an object-store key prefix: relative, no backslash, no
// "." or ".." segments.
func (v *validator) prefix(key, p string) {
	t := strings.TrimSpace(p)
	switch {
	case t == "":
		v.add(key, "must not be empty")
		return
	case strings.Contains(t, `\`):
		v.add(key, "must not contain a backslash")
		return
	case strings.HasPrefix(t, "/"):
		v.add(key, "must be relative (no leading /)")
		return
	case len(t) > maxPathBytes:
		v.add(key, "must be at most 4096 bytes long")
		return
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(t, "/"), "/") {
		switch {
		case seg == "." || seg == "..":
			v.add(key, "must not contain %q segments", seg)
			return
		case seg == "":
			v.add(key, "must not contain empty segments")
			return
		case len(seg) > maxPathComponentBytes:
			v.add(key, "has a segment longer than 255 bytes")
			return
		}
	}
}
