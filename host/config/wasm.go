package config

import "strings"

// Wasm is [wasm]: how third-party Wasm provider modules are trusted and
// compiled.
type Wasm struct {
	// TrustedKeys are the PEM public keys allowed to sign provider
	// manifests, each limited to a set of provider names.
	TrustedKeys []TrustedKey `toml:"trusted_keys"`
	// AllowUnsigned accepts wasm providers without a signature; it
	// requires dev-permissive mode.
	AllowUnsigned bool `toml:"allow_unsigned"`
	// CacheDir holds compiled modules; unset means the user cache dir.
	CacheDir     Path `toml:"cache_dir"`
	CompileCache bool `toml:"compile_cache"` // default true
}

// TrustedKey is one [[wasm.trusted_keys]] entry.
type TrustedKey struct {
	Path Path `toml:"path"`
	// Providers are the provider names the key may sign: exact names or
	// prefixes ending in "*" ("acme.*"; "*" alone is any provider).
	Providers []string `toml:"providers"`
}

// Covers reports whether the key may sign the provider called name.
func (k TrustedKey) Covers(name string) bool {
	for _, p := range k.Providers {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(name, prefix) {
				return true
			}
		} else if p == name {
			return true
		}
	}
	return false
}
