package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Validate checks every section of c and returns every problem found,
// joined with [errors.Join], each a [*FieldError] prefixed with its key
// path. [Parse] calls it after injecting defaults; call it again only for
// a Config changed in code, starting from [Default] or a parsed Config
// (the zero Config has no defaults and does not validate). For a changed
// Config, checks that depend on whether a key was written in the file (an
// explicit 0 for an optional key, a key the chosen type forbids) see only
// what the file said.
//
// # Errors
//
// invalid_argument.
func (c *Config) Validate() error {
	if ps := c.validate(); len(ps) > 0 {
		return problemsError(ps)
	}
	return nil
}

// validate returns every problem, in section order.
func (c *Config) validate() []error {
	v := &validator{c: c}
	v.server()
	v.dev()
	v.namespace()
	v.trust()
	v.discovery()
	v.anchors()
	v.validation()
	v.policy()
	v.store(&c.RunStateStore.Store, "run_state_store")
	if mv := c.RunStateStore.MaxVersions; mv != nil {
		v.atLeast("run_state_store.max_versions", *mv, 1)
	}
	v.registry()
	v.docs()
	v.runpackStorage()
	v.providers()
	v.wasm()
	v.externalMCP()
	v.providerPolicy()
	v.client()
	return v.ps
}

// validator accumulates problems for one Config.
type validator struct {
	c  *Config
	ps problems
}

// add records a problem at key.
func (v *validator) add(key, format string, args ...any) { v.ps.add(key, format, args...) }

// isSet reports whether key was written in the file.
func (v *validator) isSet(key string) bool { return v.c.set.has(key) }

// enum checks that got is one of allowed.
func (v *validator) enum(key, got string, allowed ...string) {
	if slices.Contains(allowed, got) {
		return
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	v.add(key, "must be one of %s (got %q)", strings.Join(quoted, ", "), got)
}

// between checks lo <= got <= hi.
func (v *validator) between(key string, got, lo, hi int64) {
	if got < lo || got > hi {
		v.add(key, "must be between %d and %d (got %d)", lo, hi, got)
	}
}

// atLeast checks got >= lo.
func (v *validator) atLeast(key string, got, lo int64) {
	if got < lo {
		v.add(key, "must be at least %d (got %d)", lo, got)
	}
}

// maxItems checks that a list has at most limit entries.
func (v *validator) maxItems(key string, n, limit int) bool {
	if n > limit {
		v.add(key, "must have at most %d entries (got %d)", limit, n)
		return false
	}
	return true
}

// nonBlank checks that s has a non-space character.
func (v *validator) nonBlank(key, s string) bool {
	if strings.TrimSpace(s) == "" {
		v.add(key, "must not be empty")
		return false
	}
	return true
}

// nonBlankItems checks every entry of list with nonBlank.
func (v *validator) nonBlankItems(key string, list []string) {
	for i, s := range list {
		v.nonBlank(index(key, i), s)
	}
}

// optional checks an optional string: when written, it must not be blank.
func (v *validator) optional(key, s string) {
	if v.isSet(key) || s != "" {
		v.nonBlank(key, s)
	}
}

// trimmed checks that s is non-blank and has no surrounding whitespace.
func (v *validator) trimmed(key, s string) bool {
	if !v.nonBlank(key, s) {
		return false
	}
	if strings.TrimSpace(s) != s {
		v.add(key, "must not have leading or trailing whitespace")
		return false
	}
	return true
}

// path checks a path; an unset path is a problem only when required.
func (v *validator) path(key string, p Path, required bool) {
	if !p.IsSet() && !v.isSet(key) {
		if required {
			v.add(key, "is required")
		}
		return
	}
	if msg := checkPathString(p.Raw); msg != "" {
		v.add(key, "%s", msg)
	}
}

// pathItem checks one entry of a list of paths.
func (v *validator) pathItem(key string, p Path) {
	if msg := checkPathString(p.Raw); msg != "" {
		v.add(key, "%s", msg)
	}
}

// betweenIfSet checks bounds only for a value written in the file, so an
// inherited bad default is reported once, where it was written.
func (v *validator) betweenIfSet(key string, got, lo, hi int64) {
	if v.isSet(key) {
		v.between(key, got, lo, hi)
	}
}

// forbid reports key when it was written: why says what it is for.
func (v *validator) forbid(key, why string) {
	if v.isSet(key) {
		v.add(key, "%s", why)
	}
}

// httpURL checks that s is an absolute http or https URL with a host and
// no credentials, and returns it.
func (v *validator) httpURL(key, s string) *url.URL {
	if !v.nonBlank(key, s) {
		return nil
	}
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		v.add(key, "must be a URL (%v)", err)
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(key, "must be an http:// or https:// URL (got %q)", s)
	case u.Host == "":
		v.add(key, "must name a host (got %q)", s)
	case u.User != nil:
		v.add(key, "must not carry credentials")
	default:
		return u
	}
	return nil
}

// envNameRE matches a portable environment variable name.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// envName checks an environment variable name.
func (v *validator) envName(key, s string) {
	if !envNameRE.MatchString(s) {
		v.add(key, "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*) (got %q)", s)
	}
}

// sha256RE matches a lower-case hex SHA-256 digest.
var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ids checks tenant or namespace ids (>= 1).
func (v *validator) ids(key string, ids []int64) {
	for i, id := range ids {
		v.atLeast(index(key, i), id, 1)
	}
}

// trustPolicy checks a provider trust policy.
func (v *validator) trustPolicy(key string, t TrustPolicy) {
	if !t.RequireSignature {
		return
	}
	k := key + ".require_signature.keys"
	if len(t.Keys) == 0 {
		v.add(k, "must list at least one key (no result could ever verify)")
	}
	for i, p := range t.Keys {
		v.pathItem(index(k, i), p)
	}
}

// toolName checks an MCP tool name.
func (v *validator) toolName(key, name string) {
	if !v.nonBlank(key, name) {
		return
	}
	if !slices.Contains(toolNames, name) {
		v.add(key, "unknown tool %q", name)
	}
}
