package registry

import (
	"strconv"

	"github.com/decision-gate/dgw/host/evidence"
)

// AuditFields are the registry-specific fields of a registry_audit event
// (spec §7.11). The audit sink adds event, timestamp_ms, request_id and the
// correlation ids.
type AuditFields struct {
	TenantID      string   `json:"tenant_id"`    // decimal string, as in the reference
	NamespaceID   string   `json:"namespace_id"` // decimal string
	Action        Action   `json:"action"`
	Allowed       bool     `json:"allowed"`
	Reason        string   `json:"reason"`
	PrincipalID   string   `json:"principal_id"`
	Roles         []string `json:"roles"`
	PolicyClass   string   `json:"policy_class"`
	SchemaID      *string  `json:"schema_id"`      // null for list
	SchemaVersion *string  `json:"schema_version"` // null for list
}

// NewAuditFields fills the registry_audit fields for one ACL decision.
// schemaID and version are nil for list. A nil principal has an empty
// principal_id and no roles.
func NewAuditFields(p *Principal, action Action, tenant evidence.TenantID, namespace evidence.NamespaceID, schemaID, version *string, d Decision) AuditFields {
	var subject string
	if p != nil {
		subject = p.Subject
	}
	return AuditFields{
		TenantID:      strconv.FormatUint(uint64(tenant), 10),
		NamespaceID:   strconv.FormatUint(uint64(namespace), 10),
		Action:        action,
		Allowed:       d.Allowed,
		Reason:        d.Reason,
		PrincipalID:   subject,
		Roles:         p.RoleNames(),
		PolicyClass:   p.EffectivePolicyClass(),
		SchemaID:      schemaID,
		SchemaVersion: version,
	}
}
