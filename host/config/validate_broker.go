package config

import (
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// timeouts checks providers[].timeouts (spec §9).
func (v *validator) timeouts(p *Provider, key string) {
	t := p.Timeouts
	v.between(key+".timeouts.connect_timeout_ms", t.ConnectTimeoutMS, 100, 10000)
	v.between(key+".timeouts.request_timeout_ms", t.RequestTimeoutMS, 500, 30000)
	if t.RequestTimeoutMS < t.ConnectTimeoutMS {
		v.add(key+".timeouts.request_timeout_ms", "must be at least connect_timeout_ms (%d < %d)", t.RequestTimeoutMS, t.ConnectTimeoutMS)
	}
}

// mcp checks a type = "mcp" entry: the reference rules (spec §8) and the
// broker fields (broker.md §4.2.2, §4.3.7).
func (v *validator) mcp(p *Provider, key string) {
	v.notFor(key, p.Type, "module", "manifest", "signature", "limits")
	v.forbid(key+".config", "is not allowed for an mcp provider")
	if IsReserved(p.Name) {
		v.add(key+".name", "%q is reserved for the built-in provider", p.Name)
	}
	stdio := len(p.Command) > 0
	remote := p.URL != "" || v.isSet(key+".url")
	switch {
	case stdio && remote:
		v.add(key, "must set exactly one of command and url (got both)")
	case !stdio && !remote:
		v.add(key, "needs command (a stdio backend) or url (an HTTP backend)")
	}
	if stdio {
		v.nonBlank(key+".command[0]", p.Command[0])
	}
	v.path(key+".capabilities_path", p.CapabilitiesPath, true)
	var u *url.URL
	if remote {
		u = v.httpURL(key+".url", p.URL)
		if u != nil && u.Scheme == "http" && !p.AllowInsecureHTTP {
			v.add(key+".url", "an http:// URL needs allow_insecure_http = true")
		}
	}
	if a := p.Auth; a != nil {
		v.secret(key+".auth.bearer_token", a.BearerToken)
		if a.BearerTokenEnv != "" || v.isSet(key+".auth.bearer_token_env") {
			v.envName(key+".auth.bearer_token_env", a.BearerTokenEnv)
			if a.BearerToken.IsSet() {
				v.add(key+".auth", "set bearer_token or bearer_token_env, not both")
			}
		}
	}
	v.timeouts(p, key)
	v.between(key+".timeouts.startup_timeout_ms", p.Timeouts.StartupTimeoutMS, 500, 30000)

	m := &p.MCP
	v.enum(key+".protocol", m.Protocol, ProtocolDGEvidence, ProtocolMCP)
	const stdioOnly = "is used only by stdio (command) backends"
	egress := key + ".egress_allowlist"
	patterns := make([]egressPattern, 0, len(m.EgressAllowlist))
	for i, s := range m.EgressAllowlist {
		if ep, ok := parseEgress(s); ok {
			patterns = append(patterns, ep)
		} else {
			v.add(index(egress, i), "must be host, host:port, *.suffix or *.suffix:port (got %q)", s)
		}
	}
	if stdio && len(m.EgressAllowlist) > 0 {
		v.add(egress, "cannot be enforced for a stdio backend; set allow_unenforced_egress = true to acknowledge that")
	}
	if u != nil && len(patterns) == len(m.EgressAllowlist) && len(patterns) > 0 && !egressAllows(patterns, u) {
		v.add(egress, "does not allow the url's host %q", u.Host)
	}
	if remote && m.AllowUnenforcedEgress {
		v.add(key+".allow_unenforced_egress", "%s", stdioOnly)
	}
	for i, n := range m.RequiredEnv {
		v.envName(index(key+".required_env", i), n)
	}
	for i, n := range m.EnvPassthrough {
		v.envName(index(key+".env_passthrough", i), n)
	}
	for _, n := range slices.Sorted(maps.Keys(m.Env)) {
		v.envName(join(key+".env", quoteKey(n)), n)
	}
	if remote {
		if len(m.EnvPassthrough) > 0 {
			v.add(key+".env_passthrough", "%s", stdioOnly)
		}
		if len(m.Env) > 0 {
			v.add(key+".env", "%s", stdioOnly)
		}
		if m.CommandSHA256 != "" {
			v.add(key+".command_sha256", "%s", stdioOnly)
		}
	}
	v.digest(key+".command_sha256", m.CommandSHA256)
	v.digest(key+".contract_sha256", m.ContractSHA256)
	// Values inherited from [external_mcp] are checked there, once.
	v.breaker(key+".circuit_breaker", m.CircuitBreaker, v.betweenIfSet)
	if m.Preflight.ProbeCheckID != "" || v.isSet(key+".preflight.probe_check_id") {
		v.nonBlank(key+".preflight.probe_check_id", m.Preflight.ProbeCheckID)
	} else if v.isSet(key + ".preflight.probe_params") {
		v.add(key+".preflight.probe_params", "needs preflight.probe_check_id")
	}
	v.betweenIfSet(key+".max_concurrency", m.MaxConcurrency, 1, 256)
	if stdio && m.MaxConcurrency > 1 {
		v.add(key+".max_concurrency", "a stdio backend serves one call at a time (got %d)", m.MaxConcurrency)
	}
	v.betweenIfSet(key+".max_queue", m.MaxQueue, 0, 4096)

	if !v.c.ExternalMCP.Strict {
		return
	}
	// Strict mode (broker.md §4.3.7).
	const strict = "when [external_mcp] strict = true"
	if !m.Preflight.Required {
		v.add(key+".preflight.required", "must be true %s", strict)
	}
	if remote {
		if len(m.EgressAllowlist) == 0 {
			v.add(egress, "must not be empty %s", strict)
		}
		for i, s := range m.EgressAllowlist {
			if s == "*" {
				v.add(index(egress, i), "may not be \"*\" %s", strict)
			}
		}
	}
	if stdio {
		if m.CommandSHA256 == "" {
			v.add(key+".command_sha256", "is required %s", strict)
		}
		if !m.AllowUnenforcedEgress {
			v.add(key+".allow_unenforced_egress", "must be true %s (the host cannot limit a child's network)", strict)
		}
	}
	if p.Auth != nil && p.Auth.BearerToken.IsSet() {
		v.add(key+".auth.bearer_token", "literal tokens are refused %s; use bearer_token_env", strict)
	}
	for _, n := range slices.Sorted(maps.Keys(m.Env)) {
		if secretLooking(n) {
			v.add(join(key+".env", quoteKey(n)), "looks like a secret; literal secrets are refused %s (use required_env)", strict)
		}
	}
	if m.ContractSHA256 == "" {
		v.add(key+".contract_sha256", "is required %s", strict)
	}
}

// secretLooking reports env names that suggest a credential.
func secretLooking(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"token", "secret", "key", "password"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// digest checks an optional lower-case hex SHA-256.
func (v *validator) digest(key, s string) {
	if (s != "" || v.isSet(key)) && !sha256RE.MatchString(s) {
		v.add(key, "must be 64 lower-case hex digits")
	}
}

// breaker checks circuit breaker bounds with check (between or
// betweenIfSet).
func (v *validator) breaker(key string, b CircuitBreaker, check func(key string, got, lo, hi int64)) {
	check(key+".failure_threshold", b.FailureThreshold, 1, 100)
	check(key+".open_ms", b.OpenMS, 1000, 600000)
	check(key+".half_open_max", b.HalfOpenMax, 1, 10)
}

// externalMCP checks [external_mcp].
func (v *validator) externalMCP() {
	e := &v.c.ExternalMCP
	const key = "external_mcp"
	for i, s := range e.PrivateCIDRAllowlist {
		if _, err := netip.ParsePrefix(s); err != nil {
			v.add(index(key+".private_cidr_allowlist", i), "must be a CIDR prefix such as 10.20.0.0/16 (got %q)", s)
		}
	}
	v.between(key+".max_response_bytes", e.MaxResponseBytes, 1, 16<<20)
	v.between(key+".max_concurrency", e.MaxConcurrency, 1, 256)
	v.between(key+".max_queue", e.MaxQueue, 0, 4096)
	for i, n := range e.InheritEnv {
		v.envName(index(key+".inherit_env", i), n)
	}
	v.between(key+".stderr_tail_bytes", e.StderrTailBytes, 0, 1<<20)
	v.breaker(key+".circuit_breaker", e.CircuitBreaker, v.between)
}

// providerPolicy checks [provider_policy] (broker.md §4.2.3).
func (v *validator) providerPolicy() {
	pp := &v.c.ProviderPolicy
	const key = "provider_policy"
	v.enum(key+".default_effect", pp.DefaultEffect, "allow", "deny")
	if v.c.ExternalMCP.Strict && strings.TrimSpace(pp.Version) == "" {
		v.add(key+".version", "must be set when [external_mcp] strict = true")
	}
	if !v.maxItems(key+".rules", len(pp.Rules), 256) {
		return
	}
	for i, r := range pp.Rules {
		rk := index(key+".rules", i)
		v.enum(rk+".effect", r.Effect, "allow", "deny")
		v.wildcardList(rk+".providers", r.Providers, func(k, name string) {
			if _, ok := v.c.Provider(name); !ok {
				v.add(k, "no [[providers]] entry is named %q", name)
			}
		})
		v.wildcardList(rk+".checks", r.Checks, nil)
		v.ids(rk+".tenants", r.Tenants)
		v.ids(rk+".namespaces", r.Namespaces)
	}
}

// wildcardList checks a non-empty list that is either ["*"] or names,
// calling check on each name.
func (v *validator) wildcardList(key string, list []string, check func(key, name string)) {
	if len(list) == 0 {
		v.add(key, `must not be empty (use ["*"] for all)`)
		return
	}
	for i, s := range list {
		k := index(key, i)
		switch {
		case s == "*" && len(list) > 1:
			v.add(k, `"*" must be the only entry`)
		case s == "*":
		case v.nonBlank(k, s) && check != nil:
			check(k, s)
		}
	}
}

// egressPattern is a parsed egress_allowlist entry.
type egressPattern struct {
	host string // lower-case; "*" for any, "*.suffix" for a domain suffix
	port int    // 0 means the URL scheme's default port
}

// parseEgress parses host, host:port, *.suffix, *.suffix:port, an IP
// literal ([v6] with a port) or "*".
func parseEgress(s string) (egressPattern, bool) {
	if s == "*" {
		return egressPattern{host: "*"}, true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return egressPattern{host: ap.Addr().String(), port: int(ap.Port())}, ap.Port() != 0
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return egressPattern{host: a.String()}, true
	}
	host, port := s, 0
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		n, err := strconv.Atoi(s[i+1:])
		if err != nil || n < 1 || n > 65535 {
			return egressPattern{}, false
		}
		host, port = s[:i], n
	}
	name := strings.TrimPrefix(host, "*.")
	if name == "" {
		return egressPattern{}, false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || strings.IndexFunc(label, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			return egressPattern{}, false
		}
	}
	return egressPattern{host: strings.ToLower(host), port: port}, true
}

// egressAllows reports whether some pattern admits the URL's host and
// port. A pattern without a port admits only the scheme's default port.
func egressAllows(patterns []egressPattern, u *url.URL) bool {
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.String()
	}
	port := 443
	if u.Scheme == "http" {
		port = 80
	}
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	for _, ep := range patterns {
		want := ep.port
		if want == 0 {
			want = 443
			if u.Scheme == "http" {
				want = 80
			}
		}
		hostOK := ep.host == "*" || ep.host == host ||
			strings.HasPrefix(ep.host, "*.") && strings.HasSuffix(host, ep.host[1:])
		if hostOK && (ep.host == "*" || want == port) {
			return true
		}
	}
	return false
}
