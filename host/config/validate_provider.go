package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// providers checks every [[providers]] entry and the registry as a whole
// (spec §5.1, §8; the wasm and broker extensions).
func (v *validator) providers() {
	seen := map[string]string{}
	for i := range v.c.Providers {
		p := &v.c.Providers[i]
		key := index("providers", i)
		if v.trimmed(key+".name", p.Name) {
			if prev, dup := seen[p.Name]; dup {
				v.add(key+".name", "duplicate provider name %q (also %s)", p.Name, prev)
			} else {
				seen[p.Name] = key
			}
		}
		v.enum(key+".type", string(p.Type), "builtin", "mcp", "wasm")
		if p.Trust != nil {
			v.trustPolicy(key+".trust", *p.Trust)
		}
		switch p.Type {
		case ProviderBuiltin:
			v.builtin(p, key)
		case ProviderMCP:
			v.mcp(p, key)
		case ProviderWasm:
			v.wasmProvider(p, key)
		}
	}
}

// notFor refuses keys a provider type does not use.
func (v *validator) notFor(key string, typ ProviderType, names ...string) {
	for _, n := range names {
		v.forbid(key+"."+n, fmt.Sprintf("is not allowed for %s %s provider", article(string(typ)), typ))
	}
}

// article returns "an" before a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// mcpOnly are the keys only mcp providers may set.
var mcpOnly = []string{"command", "url", "allow_insecure_http", "capabilities_path", "auth",
	"protocol", "optional", "egress_allowlist", "allow_unenforced_egress", "required_env",
	"env_passthrough", "env", "command_sha256", "contract_sha256", "circuit_breaker",
	"preflight", "max_concurrency", "max_queue", "timeouts.startup_timeout_ms"}

// builtin checks a type = "builtin" entry and its config table.
func (v *validator) builtin(p *Provider, key string) {
	v.notFor(key, p.Type, mcpOnly...)
	v.notFor(key, p.Type, "module", "manifest", "signature")
	v.timeouts(p, key)
	v.limits(p, key)
	if !IsBuiltin(p.Name) {
		v.add(key+".name", "%q is not a built-in provider (built-ins: %s)", p.Name, strings.Join(builtinNames, ", "))
		return
	}
	ck := key + ".config"
	if !v.isSet(ck) {
		switch p.Name {
		case BuiltinJSON:
			v.add(ck, "is required for the json provider (root and root_id have no default)")
		case BuiltinAssetCore, BuiltinAssetCoreRead:
			v.add(ck, "is required for the %s provider (base_url and namespace_id have no default)", p.Name)
		}
	} else {
		// A given table must set every non-optional field (spec §0.3 fact 9).
		for _, f := range builtinConfigs[p.Name].required {
			if !v.isSet(ck + "." + f) {
				v.add(ck+"."+f, "is required when a config table is given (defaults apply only when config is omitted)")
			}
		}
	}
	switch {
	case p.Env != nil:
		v.atLeast(ck+".max_key_bytes", p.Env.MaxKeyBytes, 0)
		v.atLeast(ck+".max_value_bytes", p.Env.MaxValueBytes, 0)
	case p.JSON != nil:
		v.path(ck+".root", p.JSON.Root, v.isSet(ck+".root"))
		if v.isSet(ck + ".root_id") {
			v.rootID(ck+".root_id", p.JSON.RootID)
		}
		v.atLeast(ck+".max_bytes", p.JSON.MaxBytes, 0)
	case p.HTTP != nil:
		// timeout_ms = 0 would read as "no timeout" to a Go http.Client.
		v.atLeast(ck+".timeout_ms", p.HTTP.TimeoutMS, 1)
		v.atLeast(ck+".max_response_bytes", p.HTTP.MaxResponseBytes, 0)
		v.nonBlankItems(ck+".allowed_hosts", p.HTTP.AllowedHosts)
		if strings.ContainsFunc(p.HTTP.UserAgent, isControl) {
			v.add(ck+".user_agent", "must not contain control characters")
		}
		if v.isSet(ck + ".hash_algorithm") {
			v.enum(ck+".hash_algorithm", p.HTTP.HashAlgorithm, "sha256")
		}
	case p.AssetCore != nil:
		if v.isSet(ck + ".base_url") {
			v.httpURL(ck+".base_url", p.AssetCore.BaseURL)
		}
		if v.isSet(ck + ".namespace_id") {
			v.nonBlank(ck+".namespace_id", p.AssetCore.NamespaceID)
		}
		v.secret(ck+".auth_token", p.AssetCore.AuthToken)
	}
}

// isControl reports ASCII control characters and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// rootID checks a json provider root_id: 1–64 of [a-z0-9_-].
func (v *validator) rootID(key, id string) {
	ok := id != "" && len(id) <= 64
	for _, r := range id {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}
	if !ok {
		v.add(key, "must be 1 to 64 characters of [a-z0-9_-] (got %q)", id)
	}
}

// limits checks providers[].limits of a builtin or wasm provider.
func (v *validator) limits(p *Provider, key string) {
	l := p.Limits
	v.between(key+".limits.timeout_ms", l.TimeoutMS, 1, 60000)
	v.between(key+".limits.memory_pages", l.MemoryPages, 1, 65536)
	v.between(key+".limits.max_input_bytes", l.MaxInputBytes, 1, 16<<20)
	v.between(key+".limits.max_output_bytes", l.MaxOutputBytes, 1, 16<<20)
	if l.PoolSize != 0 || v.isSet(key+".limits.pool_size") {
		v.between(key+".limits.pool_size", l.PoolSize, 1, 64)
	}
}

// wasmProvider checks a type = "wasm" entry.
func (v *validator) wasmProvider(p *Provider, key string) {
	v.notFor(key, p.Type, mcpOnly...)
	v.forbid(key+".timeouts", "is not used by a wasm provider; set limits.timeout_ms")
	if IsReserved(p.Name) {
		v.add(key+".name", "%q is reserved for the built-in provider", p.Name)
	} else if p.Name != "" && strings.TrimSpace(p.Name) == p.Name && !validWasmName(p.Name) {
		// (blank and untrimmed names are already reported)
		v.add(key+".name", "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 128 bytes (got %q)", p.Name)
	}
	v.path(key+".module", p.Module, true)
	v.path(key+".manifest", p.Manifest, true)
	if !p.Signature.IsSet() && !v.isSet(key+".signature") {
		if !v.c.Wasm.AllowUnsigned {
			v.add(key+".signature", "is required (only [wasm] allow_unsigned, a dev-permissive setting, accepts unsigned modules)")
		}
	} else {
		v.path(key+".signature", p.Signature, true)
		covered := false
		for _, k := range v.c.Wasm.TrustedKeys {
			covered = covered || k.Covers(p.Name)
		}
		if !covered {
			v.add(key+".signature", "no [[wasm.trusted_keys]] entry lists provider %q, so the signature cannot verify", p.Name)
		}
	}
	v.limits(p, key)
}

// validWasmName checks a third-party provider name.
func validWasmName(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i, r := range name {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || r != '.' && r != '_' && r != '-') {
			return false
		}
	}
	return true
}

// wasm checks [wasm].
func (v *validator) wasm() {
	w := &v.c.Wasm
	for i, k := range w.TrustedKeys {
		key := index("wasm.trusted_keys", i)
		v.path(key+".path", k.Path, true)
		if len(k.Providers) == 0 {
			v.add(key+".providers", "must list at least one provider name or prefix* (a key signs only what it is scoped to)")
		}
		for j, s := range k.Providers {
			pk := index(key+".providers", j)
			if !v.nonBlank(pk, s) {
				continue
			}
			if i := strings.IndexByte(s, '*'); i >= 0 && i != len(s)-1 {
				v.add(pk, "may use * only as the last character (got %q)", s)
			}
		}
	}
	if w.AllowUnsigned && !v.c.DevPermissive() {
		v.add("wasm.allow_unsigned", "requires dev.permissive = true (unsigned modules are for development only)")
	}
	v.path("wasm.cache_dir", w.CacheDir, false)
}

// client checks [client.auth_profiles.*].
func (v *validator) client() {
	profiles := v.c.Client.AuthProfiles
	for _, name := range slices.Sorted(maps.Keys(profiles)) {
		p := profiles[name]
		key := join("client.auth_profiles", quoteKey(name))
		if strings.TrimSpace(name) == "" {
			v.add(key, "profile name must not be empty")
		}
		if v.isSet(key+".bearer_token") || p.BearerToken.IsSet() {
			v.token(key+".bearer_token", p.BearerToken)
		}
		if v.isSet(key+".client_subject") || p.ClientSubject != "" {
			v.subject(key+".client_subject", p.ClientSubject)
		}
	}
}
