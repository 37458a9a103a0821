package registry

import (
	"strings"

	"github.com/decision-gate/dgw/host/evidence"
)

// Principal is an authenticated caller as the registry ACL sees it (spec
// §7.2): the subject ("stdio", "loopback", "token:<sha256 hex>" or an mTLS
// subject), an optional policy class and role bindings. The tool layer
// resolves it from [server.auth.principals]; a subject without a configured
// principal is a Principal with no roles.
type Principal struct {
	Subject string
	// PolicyClass is "prod", "project", "scratch" or anything else; "" means
	// not configured, which counts as prod.
	PolicyClass string
	Roles       []Role
}

// Role binds a role name to a tenant and namespace. A nil TenantID or
// NamespaceID matches any.
type Role struct {
	Name        string
	TenantID    *uint64
	NamespaceID *uint64
}

// The role names the builtin ACL knows (spec §7.5). Names are matched
// exactly.
const (
	RoleTenantAdmin     = "TenantAdmin"
	RoleNamespaceOwner  = "NamespaceOwner"
	RoleNamespaceAdmin  = "NamespaceAdmin"
	RoleNamespaceWriter = "NamespaceWriter"
	RoleNamespaceReader = "NamespaceReader"
	RoleSchemaManager   = "SchemaManager"
)

// DefaultPolicyClass is the policy class of a principal that has none.
const DefaultPolicyClass = "prod"

// Matches reports whether the binding applies to (tenant, namespace).
func (r Role) Matches(tenant evidence.TenantID, namespace evidence.NamespaceID) bool {
	return (r.TenantID == nil || *r.TenantID == uint64(tenant)) &&
		(r.NamespaceID == nil || *r.NamespaceID == uint64(namespace))
}

// EffectivePolicyClass returns the configured policy class, or
// [DefaultPolicyClass] when there is none. A nil principal has the default.
func (p *Principal) EffectivePolicyClass() string {
	if p == nil || p.PolicyClass == "" {
		return DefaultPolicyClass
	}
	return p.PolicyClass
}

// isProd is the builtin ACL's view of the policy class: lower-cased, and
// only "prod" (or no class at all) is production.
func (p *Principal) isProd() bool {
	return strings.ToLower(p.EffectivePolicyClass()) == DefaultPolicyClass
}

// RoleNames returns the names of all role bindings, in configured order.
func (p *Principal) RoleNames() []string {
	if p == nil {
		return []string{}
	}
	names := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		names[i] = r.Name
	}
	return names
}

// hasRole reports whether a binding named one of names applies to (tenant,
// namespace).
func (p *Principal) hasRole(tenant evidence.TenantID, namespace evidence.NamespaceID, names ...string) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		if !r.Matches(tenant, namespace) {
			continue
		}
		for _, n := range names {
			if r.Name == n {
				return true
			}
		}
	}
	return false
}
