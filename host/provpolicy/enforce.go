package provpolicy

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// DeniedError is a query the policy refused; the condition is recorded
// as Unknown with code policy_denied.
type DeniedError struct {
	Provider, Check string
	Tenant          uint64
	Namespace       uint64
	Version         string
	Rule            int // -1: the default effect
}

func (e *DeniedError) Error() string {
	by := "the default effect"
	if e.Rule >= 0 {
		by = fmt.Sprintf("rule %d", e.Rule)
	}
	return fmt.Sprintf("policy_denied: provider_policy (version %q) denies %s.%s for tenant %d namespace %d (%s)",
		e.Version, e.Provider, e.Check, e.Tenant, e.Namespace, by)
}

// EvidenceCode implements evidence.CodedError.
func (e *DeniedError) EvidenceCode() string { return "policy_denied" }

// Source is an evidence source: the engine's view of the providers.
type Source interface {
	Has(providerID string) bool
	Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error)
}

// Guard returns src with every query checked against the policy first; a
// denied query never reaches the provider.
func (p *Policy) Guard(src Source) Source {
	if !p.Restrictive() {
		return src
	}
	return &guard{p: p, src: src}
}

type guard struct {
	p   *Policy
	src Source
}

func (g *guard) Has(id string) bool { return g.src.Has(id) }

func (g *guard) Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	if err := g.p.CheckQuery(q, ec); err != nil {
		return evidence.Result{}, err
	}
	return g.src.Query(ctx, q, ec)
}

// CheckQuery returns a *DeniedError when the policy denies q in ec's
// tenant and namespace.
func (p *Policy) CheckQuery(q evidence.Query, ec evidence.Context) error {
	t := uint64(ec.TenantID)
	d := p.Decide(q.ProviderID, q.CheckID, &t, uint64(ec.NamespaceID))
	if d.Effect == Allow {
		return nil
	}
	return &DeniedError{Provider: q.ProviderID, Check: q.CheckID, Tenant: t, Namespace: uint64(ec.NamespaceID), Version: p.Version(), Rule: d.Rule}
}

// CheckSpec refuses a spec that uses a provider check the policy denies in
// the spec's namespace for its default tenant, or, when the spec pins no
// tenant, for every tenant. The error is InvalidArgument, starts with
// "policy_denied:" and names the condition.
func (p *Policy) CheckSpec(spec *scenario.Spec) error {
	if !p.Restrictive() {
		return nil
	}
	ns := uint64(spec.NamespaceID)
	for _, c := range spec.Conditions {
		q := c.Query
		if p.allowedSomewhere(q.ProviderID, q.CheckID, spec.DefaultTenantID, ns) {
			continue
		}
		return errcode.New(errcode.InvalidArgument,
			"policy_denied: condition %s uses %s.%s, which provider_policy (version %q) denies in namespace %d",
			c.ConditionID, q.ProviderID, q.CheckID, p.Version(), ns)
	}
	return nil
}

// allowedSomewhere reports whether some tenant the spec may run in is
// allowed: the pinned tenant, or else any tenant a rule names or one no
// rule names.
func (p *Policy) allowedSomewhere(providerID, checkID string, pinned *evidence.TenantID, ns uint64) bool {
	if pinned != nil {
		t := uint64(*pinned)
		return p.Decide(providerID, checkID, &t, ns).Effect == Allow
	}
	other := uint64(0) // no rule names tenant 0: tenants are ≥ 1
	if p.Decide(providerID, checkID, &other, ns).Effect == Allow {
		return true
	}
	for _, t := range p.tenants {
		if p.Decide(providerID, checkID, &t, ns).Effect == Allow {
			return true
		}
	}
	return false
}
