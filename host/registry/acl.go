package registry

import (
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// Action is what a caller asks the registry to do.
type Action string

// The three registry actions. List and get are reads; register is a write.
const (
	ActionRegister Action = "register"
	ActionList     Action = "list"
	ActionGet      Action = "get"
)

func (a Action) valid() bool {
	return a == ActionRegister || a == ActionList || a == ActionGet
}

// ACLMode selects how the ACL decides.
type ACLMode string

// The ACL modes (spec §7.5). The zero value means builtin.
const (
	ModeBuiltin ACLMode = "builtin"
	ModeCustom  ACLMode = "custom"
)

// Effect is what a custom rule, or the custom default, decides.
type Effect string

// Effects. The zero value means deny.
const (
	EffectAllow Effect = "allow"
	EffectDeny  Effect = "deny"
)

// ACLConfig is [schema_registry.acl].
type ACLConfig struct {
	Mode ACLMode // "" means builtin
	// AllowLocalOnly lets every caller that authenticated with the local
	// method through (builtin mode only).
	AllowLocalOnly bool
	// RequireSigning makes registration demand signing metadata (both
	// modes; enforced by [Registry.Register], not by [ACL.Decide]).
	RequireSigning bool
	// Default applies when no custom rule matches; "" means deny.
	Default Effect
	// Rules are the custom rules, tried in order; the first match decides.
	Rules []Rule
}

// Rule is one custom ACL rule. Every non-empty list must contain the
// request's value for the rule to match; an empty list matches anything.
type Rule struct {
	Effect     Effect
	Actions    []Action
	Tenants    []evidence.TenantID
	Namespaces []evidence.NamespaceID
	Subjects   []string
	// Roles match when the principal has a binding with one of these names
	// that applies to the request's tenant and namespace.
	Roles []string
	// PolicyClasses are compared case-sensitively with the principal's
	// policy class ("prod" when it has none).
	PolicyClasses []string
}

// Decision is the outcome of [ACL.Decide]. Reason is one of the Reason
// constants and goes into the registry_audit event.
type Decision struct {
	Allowed bool
	Reason  string
}

// The decision reasons (spec §7.5).
const (
	ReasonBuiltinAllowLocalOnly = "builtin_allow_local_only"
	ReasonBuiltinAllowRead      = "builtin_allow_read"
	ReasonBuiltinDenyRead       = "builtin_deny_read"
	ReasonBuiltinAllowWrite     = "builtin_allow_write"
	ReasonBuiltinDenyWrite      = "builtin_deny_write"
	ReasonCustomAllow           = "custom_allow"
	ReasonCustomDeny            = "custom_deny"
	ReasonDefaultAllow          = "default_allow"
	ReasonDefaultDeny           = "default_deny"
)

// MaxRules is the most custom rules an ACL takes.
const MaxRules = 256

// ACL decides who may register, list and get schemas. It is immutable and
// safe for concurrent use; the zero value is not usable, use [NewACL].
type ACL struct {
	cfg ACLConfig
}

// NewACL checks cfg and returns the ACL. The ACL keeps its own copy of the
// rules.
//
// # Errors
//
// errcode.InvalidArgument for an unknown mode, effect or action, more than
// [MaxRules] rules, rules or a default in builtin mode, or allow_local_only
// in custom mode.
func NewACL(cfg ACLConfig) (*ACL, error) {
	const op = "registry: acl"
	if cfg.Mode == "" {
		cfg.Mode = ModeBuiltin
	}
	if cfg.Default == "" {
		cfg.Default = EffectDeny
	}
	switch cfg.Mode {
	case ModeBuiltin:
		if len(cfg.Rules) > 0 || cfg.Default != EffectDeny {
			return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("rules and default are used only in custom mode")}
		}
	case ModeCustom:
		if cfg.AllowLocalOnly {
			return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("allow_local_only is used only in builtin mode")}
		}
	default:
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("unknown mode %q", cfg.Mode)}
	}
	if cfg.Default != EffectAllow && cfg.Default != EffectDeny {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("unknown default %q", cfg.Default)}
	}
	if len(cfg.Rules) > MaxRules {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("%d rules, at most %d", len(cfg.Rules), MaxRules)}
	}
	rules := make([]Rule, len(cfg.Rules))
	for i, r := range cfg.Rules {
		if r.Effect != EffectAllow && r.Effect != EffectDeny {
			return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("rules[%d]: unknown effect %q", i, r.Effect)}
		}
		for j, a := range r.Actions {
			if !a.valid() {
				return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("rules[%d].actions[%d]: unknown action %q", i, j, a)}
			}
		}
		rules[i] = Rule{
			Effect:        r.Effect,
			Actions:       slices.Clone(r.Actions),
			Tenants:       slices.Clone(r.Tenants),
			Namespaces:    slices.Clone(r.Namespaces),
			Subjects:      slices.Clone(r.Subjects),
			Roles:         slices.Clone(r.Roles),
			PolicyClasses: slices.Clone(r.PolicyClasses),
		}
	}
	cfg.Rules = rules
	return &ACL{cfg: cfg}, nil
}

// RequireSigning reports whether registration demands signing metadata.
func (a *ACL) RequireSigning() bool { return a.cfg.RequireSigning }

// Decide says whether principal may perform action in (tenant, namespace).
// principal is the caller's configured principal; nil is treated as a
// principal with no subject, no roles and no policy class. authMethodLocal
// is true when the caller authenticated with the local method (stdio or a
// loopback peer under local_only).
//
// Builtin mode: with allow_local_only, a local caller is allowed. Otherwise
// reads (list, get) need one of TenantAdmin, NamespaceOwner, NamespaceAdmin,
// NamespaceWriter, NamespaceReader or SchemaManager bound in (tenant,
// namespace); register needs TenantAdmin, NamespaceOwner or NamespaceAdmin,
// or SchemaManager when the policy class (lower-cased) is not "prod".
//
// Custom mode: the first rule that matches decides; if none does, the
// default does.
//
// An unknown action is denied.
func (a *ACL) Decide(principal *Principal, authMethodLocal bool, action Action, tenant evidence.TenantID, namespace evidence.NamespaceID) Decision {
	if a.cfg.Mode == ModeCustom {
		return a.decideCustom(principal, action, tenant, namespace)
	}
	return a.decideBuiltin(principal, authMethodLocal, action, tenant, namespace)
}

func (a *ACL) decideBuiltin(p *Principal, local bool, action Action, tenant evidence.TenantID, namespace evidence.NamespaceID) Decision {
	if a.cfg.AllowLocalOnly && local {
		return Decision{Allowed: true, Reason: ReasonBuiltinAllowLocalOnly}
	}
	switch action {
	case ActionList, ActionGet:
		if p.hasRole(tenant, namespace, RoleTenantAdmin, RoleNamespaceOwner, RoleNamespaceAdmin,
			RoleNamespaceWriter, RoleNamespaceReader, RoleSchemaManager) {
			return Decision{Allowed: true, Reason: ReasonBuiltinAllowRead}
		}
		return Decision{Allowed: false, Reason: ReasonBuiltinDenyRead}
	case ActionRegister:
		if p.hasRole(tenant, namespace, RoleTenantAdmin, RoleNamespaceOwner, RoleNamespaceAdmin) ||
			(p != nil && !p.isProd() && p.hasRole(tenant, namespace, RoleSchemaManager)) {
			return Decision{Allowed: true, Reason: ReasonBuiltinAllowWrite}
		}
		return Decision{Allowed: false, Reason: ReasonBuiltinDenyWrite}
	}
	return Decision{Allowed: false, Reason: ReasonBuiltinDenyWrite}
}

func (a *ACL) decideCustom(p *Principal, action Action, tenant evidence.TenantID, namespace evidence.NamespaceID) Decision {
	if !action.valid() {
		return Decision{Allowed: false, Reason: ReasonDefaultDeny}
	}
	for i := range a.cfg.Rules {
		r := &a.cfg.Rules[i]
		if !r.matches(p, action, tenant, namespace) {
			continue
		}
		if r.Effect == EffectAllow {
			return Decision{Allowed: true, Reason: ReasonCustomAllow}
		}
		return Decision{Allowed: false, Reason: ReasonCustomDeny}
	}
	if a.cfg.Default == EffectAllow {
		return Decision{Allowed: true, Reason: ReasonDefaultAllow}
	}
	return Decision{Allowed: false, Reason: ReasonDefaultDeny}
}

func (r *Rule) matches(p *Principal, action Action, tenant evidence.TenantID, namespace evidence.NamespaceID) bool {
	var subject string
	if p != nil {
		subject = p.Subject
	}
	return anyOrContains(r.Actions, action) &&
		anyOrContains(r.Tenants, tenant) &&
		anyOrContains(r.Namespaces, namespace) &&
		anyOrContains(r.Subjects, subject) &&
		(len(r.Roles) == 0 || p.hasRole(tenant, namespace, r.Roles...)) &&
		anyOrContains(r.PolicyClasses, p.EffectivePolicyClass())
}

func anyOrContains[T comparable](list []T, v T) bool {
	return len(list) == 0 || slices.Contains(list, v)
}
