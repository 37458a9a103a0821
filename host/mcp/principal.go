package mcp

import "github.com/decision-gate/dgw/host/evidence"

// AuthMethod is how a caller was authenticated.
type AuthMethod string

// The auth methods.
const (
	AuthLocal  AuthMethod = "local"
	AuthBearer AuthMethod = "bearer_token"
	AuthMTLS   AuthMethod = "mtls_subject"
)

// Role is a named role, optionally scoped to a tenant and namespace (nil
// matches any).
type Role struct {
	Name        string
	TenantID    *evidence.TenantID
	NamespaceID *evidence.NamespaceID
}

// PrincipalConfig is a configured principal ([[server.auth.principals]]).
type PrincipalConfig struct {
	Subject     string // "loopback", "stdio", "token:<sha256 hex>", or an mTLS subject
	PolicyClass string // "" means prod
	Roles       []Role
}

// Principal is an authenticated caller.
type Principal struct {
	ID               string // "stdio", "loopback", "token:<hex>", or the mTLS subject
	Method           AuthMethod
	TokenFingerprint string // sha256 hex of the bearer token, never the token
	Config           *PrincipalConfig
}

// HasRole reports whether the principal holds a role by name, scoped to
// (tenant, namespace) when they are given.
func (p *Principal) HasRole(name string, tenant *evidence.TenantID, ns *evidence.NamespaceID) bool {
	if p == nil || p.Config == nil {
		return false
	}
	for _, r := range p.Config.Roles {
		if r.Name != name {
			continue
		}
		if tenant != nil && r.TenantID != nil && *r.TenantID != *tenant {
			continue
		}
		if ns != nil && r.NamespaceID != nil && *r.NamespaceID != *ns {
			continue
		}
		return true
	}
	return false
}

// RoleNames returns the principal's role names.
func (p *Principal) RoleNames() []string {
	if p == nil || p.Config == nil {
		return []string{}
	}
	out := make([]string, 0, len(p.Config.Roles))
	for _, r := range p.Config.Roles {
		out = append(out, r.Name)
	}
	return out
}
