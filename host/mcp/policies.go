package mcp

import (
	"context"
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// NamespaceAuthority decides whether a namespace exists for a tenant beyond
// the default-namespace rules (for example an AssetCore catalog). Nil means
// every namespace is allowed.
type NamespaceAuthority interface {
	Check(ctx context.Context, tenant *evidence.TenantID, ns evidence.NamespaceID, correlationID string) error
}

// NamespacePolicy is the namespace check run on every tenant- and
// namespace-scoped tool.
type NamespacePolicy struct {
	AllowDefault   bool                // namespace.allow_default
	DefaultTenants []evidence.TenantID // namespace.default_tenants
	Authority      NamespaceAuthority  // nil: mode none
}

// defaultNamespace is namespace 1.
const defaultNamespace evidence.NamespaceID = 1

// check applies the default-namespace rules, then the authority.
func (p *NamespacePolicy) check(ctx context.Context, tenant *evidence.TenantID, ns evidence.NamespaceID, corr string) error {
	if ns == defaultNamespace {
		if !p.AllowDefault {
			return errcode.New(errcode.PermissionDenied, "default namespace is not allowed")
		}
		if tenant == nil {
			return errcode.New(errcode.PermissionDenied, "default namespace requires a tenant")
		}
		if !slices.Contains(p.DefaultTenants, *tenant) {
			return errcode.New(errcode.PermissionDenied, "tenant %d is not allowed in the default namespace", uint64(*tenant))
		}
	}
	if p.Authority != nil {
		return p.Authority.Check(ctx, tenant, ns, corr)
	}
	return nil
}

// FeedbackLevel is a scenario_next feedback level.
type FeedbackLevel int

// The levels, in order.
const (
	FeedbackSummary FeedbackLevel = iota
	FeedbackTrace
	FeedbackEvidence
)

var feedbackNames = [...]string{"summary", "trace", "evidence"}

func (l FeedbackLevel) String() string { return feedbackNames[l] }

// ParseFeedbackLevel parses "summary", "trace" or "evidence".
func ParseFeedbackLevel(s string) (FeedbackLevel, error) {
	for i, n := range feedbackNames {
		if n == s {
			return FeedbackLevel(i), nil
		}
	}
	return 0, fmt.Errorf("unknown feedback level %q, expected summary, trace or evidence", s)
}

// FeedbackPolicy is [server.feedback.scenario_next].
type FeedbackPolicy struct {
	Default          FeedbackLevel // for non-local callers (default summary)
	LocalOnlyDefault FeedbackLevel // for local callers (default trace)
	Max              FeedbackLevel // cap (default trace)
	TraceSubjects    []string      // default ["loopback","stdio"]
	TraceRoles       []string
	EvidenceSubjects []string
	EvidenceRoles    []string
}

// DefaultFeedbackPolicy returns the reference defaults.
func DefaultFeedbackPolicy() FeedbackPolicy {
	return FeedbackPolicy{Default: FeedbackSummary, LocalOnlyDefault: FeedbackTrace, Max: FeedbackTrace,
		TraceSubjects: []string{"loopback", "stdio"}}
}

// resolve returns the level granted for a request and whether it was
// lowered from what was asked.
func (p *FeedbackPolicy) resolve(pr *Principal, requested *FeedbackLevel) (granted, asked FeedbackLevel, denied bool) {
	asked = p.Default
	if pr != nil && pr.Method == AuthLocal {
		asked = p.LocalOnlyDefault
	}
	if requested != nil {
		asked = *requested
	}
	want := min(asked, p.Max)
	allowed := func(l FeedbackLevel) bool {
		switch l {
		case FeedbackSummary:
			return true
		case FeedbackTrace:
			return p.grants(pr, p.TraceSubjects, p.TraceRoles) || p.grants(pr, p.EvidenceSubjects, p.EvidenceRoles)
		}
		return p.grants(pr, p.EvidenceSubjects, p.EvidenceRoles)
	}
	granted = want
	for granted > FeedbackSummary && !allowed(granted) {
		granted--
	}
	return granted, asked, granted < asked
}

func (p *FeedbackPolicy) grants(pr *Principal, subjects, roles []string) bool {
	if pr == nil {
		return false
	}
	if slices.Contains(subjects, pr.ID) {
		return true
	}
	for _, r := range roles {
		if pr.HasRole(r, nil, nil) {
			return true
		}
	}
	return false
}

// DisclosurePolicy decides whether raw evidence values leave the server.
type DisclosurePolicy struct {
	AllowRawValues       bool            // evidence.allow_raw_values
	RequireProviderOptIn bool            // evidence.require_provider_opt_in (default true)
	ProviderAllowRaw     map[string]bool // [[providers]].allow_raw
}

// allowRaw reports whether values from a provider may be disclosed.
func (d *DisclosurePolicy) allowRaw(providerID string) bool {
	return d.AllowRawValues && (!d.RequireProviderOptIn || d.ProviderAllowRaw[providerID])
}

// redact clears value and content type unless disclosure is allowed.
func (d *DisclosurePolicy) redact(providerID string, r *evidence.Result) {
	if !d.allowRaw(providerID) {
		r.Value, r.ContentType = nil, nil
	}
}

// DiscoveryPolicy is [provider_discovery].
type DiscoveryPolicy struct {
	Allowlist        []string
	Denylist         []string
	MaxResponseBytes int // default 1 MiB
}

func (d *DiscoveryPolicy) allowed(providerID string) bool {
	if slices.Contains(d.Denylist, providerID) {
		return false
	}
	return len(d.Allowlist) == 0 || slices.Contains(d.Allowlist, providerID)
}

// ToolVisibility is [server.tools].
type ToolVisibility struct {
	Passthrough bool // mode = "passthrough": list every tool
	Allowlist   []string
	Denylist    []string
}

func (v *ToolVisibility) allowed(tool string) bool {
	if slices.Contains(v.Denylist, tool) {
		return false
	}
	return len(v.Allowlist) == 0 || slices.Contains(v.Allowlist, tool)
}
