package provpolicy

import (
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
)

// Effect is allow or deny.
type Effect bool

// The effects.
const (
	Deny  Effect = false
	Allow Effect = true
)

func (e Effect) String() string {
	if e == Allow {
		return "allow"
	}
	return "deny"
}

// Policy is a compiled [provider_policy]. The zero value and nil allow
// everything. It is immutable and safe for concurrent use.
type Policy struct {
	version       string
	defaultEffect Effect
	strict        bool
	builtin       func(string) bool
	rules         []rule
	// tenants lists every tenant some rule names; see CheckSpec.
	tenants []uint64
	hash    evidence.HashDigest
}

type rule struct {
	index      int
	effect     Effect
	providers  []string // nil: any
	checks     []string // nil: any
	tenants    []uint64 // nil: any
	namespaces []uint64 // nil: any
}

func (r *rule) matches(providerID, checkID string, tenant *uint64, ns uint64) bool {
	return (r.providers == nil || slices.Contains(r.providers, providerID)) &&
		(r.checks == nil || slices.Contains(r.checks, checkID)) &&
		(r.tenants == nil || tenant != nil && slices.Contains(r.tenants, *tenant)) &&
		(r.namespaces == nil || slices.Contains(r.namespaces, ns))
}

// Contracts looks up a provider's contract by name.
type Contracts interface {
	Get(id string) (provider.Provider, bool)
}

// Compile builds the policy of cfg. Every check a rule names must exist in
// the contract of at least one provider the rule names (all providers for
// "*"); errors name the rule's config path.
func Compile(cfg *config.Config, providers Contracts) (*Policy, error) {
	pp := cfg.ProviderPolicy
	p := &Policy{
		version:       pp.Version,
		defaultEffect: pp.DefaultEffect != "deny",
		strict:        cfg.ExternalMCP.Strict,
		builtin: func(name string) bool {
			c, ok := cfg.Provider(name)
			return ok && c.Type == config.ProviderBuiltin
		},
	}
	names := make([]string, 0, len(cfg.Providers))
	for _, c := range cfg.Providers {
		names = append(names, c.Name)
	}
	for i, r := range pp.Rules {
		key := fmt.Sprintf("provider_policy.rules[%d]", i)
		cr := rule{index: i, effect: r.Effect == "allow", providers: wildcard(r.Providers), checks: wildcard(r.Checks)}
		for _, t := range r.Tenants {
			cr.tenants = append(cr.tenants, uint64(t))
			if !slices.Contains(p.tenants, uint64(t)) {
				p.tenants = append(p.tenants, uint64(t))
			}
		}
		for _, n := range r.Namespaces {
			cr.namespaces = append(cr.namespaces, uint64(n))
		}
		scope := cr.providers
		if scope == nil {
			scope = names
		}
		for j, check := range cr.checks {
			found := false
			for _, name := range scope {
				if pr, ok := providers.Get(name); ok && pr.Contract().Check(check) != nil {
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%s.checks[%d]: no provider the rule names has a check %q", key, j, check)
			}
		}
		p.rules = append(p.rules, cr)
	}
	slices.Sort(p.tenants)
	h, err := evidence.HashJSON(canonicalForm(pp, cfg.ExternalMCP.Strict))
	if err != nil {
		return nil, err
	}
	p.hash = h
	return p, nil
}

func wildcard(list []string) []string {
	if len(list) == 1 && list[0] == "*" {
		return nil
	}
	return list
}

// canonicalForm is what the policy hash covers.
func canonicalForm(pp config.ProviderPolicy, strict bool) map[string]any {
	rules := make([]any, len(pp.Rules))
	for i, r := range pp.Rules {
		rules[i] = map[string]any{"effect": r.Effect, "providers": r.Providers, "checks": r.Checks,
			"tenants": orEmpty(r.Tenants), "namespaces": orEmpty(r.Namespaces)}
	}
	return map[string]any{"version": pp.Version, "default_effect": pp.DefaultEffect, "strict": strict, "rules": rules}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Version returns [provider_policy] version.
func (p *Policy) Version() string {
	if p == nil {
		return ""
	}
	return p.version
}

// Hash returns the hash of the policy's canonical form.
func (p *Policy) Hash() evidence.HashDigest {
	if p == nil {
		h, _ := evidence.HashJSON(canonicalForm(config.ProviderPolicy{DefaultEffect: "allow"}, false))
		return h
	}
	return p.hash
}

// Decision is the outcome of one policy lookup.
type Decision struct {
	Effect Effect
	// Rule is the index of the deciding rule, or -1 for the default.
	Rule int
}

// Decide returns the effect for a provider check in a tenant (nil when
// unknown: tenant-scoped rules then do not match) and namespace.
func (p *Policy) Decide(providerID, checkID string, tenant *uint64, ns uint64) Decision {
	if p == nil {
		return Decision{Effect: Allow, Rule: -1}
	}
	allow := -1
	for i := range p.rules {
		r := &p.rules[i]
		if !r.matches(providerID, checkID, tenant, ns) {
			continue
		}
		if r.effect == Deny {
			return Decision{Effect: Deny, Rule: r.index}
		}
		if allow < 0 {
			allow = r.index
		}
	}
	if allow >= 0 {
		return Decision{Effect: Allow, Rule: allow}
	}
	if p.strict && !p.builtin(providerID) {
		return Decision{Effect: Deny, Rule: -1}
	}
	return Decision{Effect: p.defaultEffect, Rule: -1}
}

// Restrictive reports whether the policy can deny anything.
func (p *Policy) Restrictive() bool {
	if p == nil {
		return false
	}
	return len(p.rules) > 0 || p.defaultEffect == Deny || p.strict
}
