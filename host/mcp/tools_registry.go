package mcp

import (
	"context"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/registry"
)

// registryPrincipal converts an authenticated caller for the registry ACL.
func registryPrincipal(p *Principal) *registry.Principal {
	if p == nil {
		return nil
	}
	rp := &registry.Principal{Subject: p.ID}
	if p.Config != nil {
		rp.PolicyClass = p.Config.PolicyClass
		for _, r := range p.Config.Roles {
			role := registry.Role{Name: r.Name}
			if r.TenantID != nil {
				v := uint64(*r.TenantID)
				role.TenantID = &v
			}
			if r.NamespaceID != nil {
				v := uint64(*r.NamespaceID)
				role.NamespaceID = &v
			}
			rp.Roles = append(rp.Roles, role)
		}
	}
	return rp
}

// authorizeRegistry runs the namespace check and the registry ACL, audits
// the decision, and fails closed.
func (s *Service) authorizeRegistry(ctx context.Context, c *Call, action registry.Action, tenant evidence.TenantID, ns evidence.NamespaceID, schemaID, version *string) error {
	if s.opts.Registry == nil {
		return controlPlane("schema registry is not configured")
	}
	if err := s.opts.Namespace.check(ctx, &tenant, ns, c.corr()); err != nil {
		return err
	}
	rp := registryPrincipal(c.Principal)
	local := c.Principal != nil && c.Principal.Method == AuthLocal
	d := s.opts.Registry.ACL().Decide(rp, local, action, tenant, ns)
	f := registry.NewAuditFields(rp, action, tenant, ns, schemaID, version, d)
	ev := &audit.Registry{
		ServerCorrelationID: c.corr(), TenantID: tenant, NamespaceID: ns, Action: audit.RegistryAction(action),
		Allowed: d.Allowed, Reason: d.Reason, PrincipalID: f.PrincipalID, Roles: f.Roles,
		SchemaID: schemaID, SchemaVersion: version,
	}
	if f.PolicyClass != "" {
		pc := f.PolicyClass
		ev.PolicyClass = &pc
	}
	if c.Info != nil {
		ev.UnsafeClientCorrelationID = c.Info.ClientCorrelationID
	}
	s.opts.Audit.Record(ev)
	if !d.Allowed {
		return errcode.New(errcode.PermissionDenied, "registry access denied: %s", d.Reason)
	}
	return nil
}

func (s *Service) schemasRegister(ctx context.Context, c *Call) (any, error) {
	var args struct {
		Record registry.Record `json:"record"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	r := &args.Record
	if err := s.authorizeRegistry(ctx, c, registry.ActionRegister, r.TenantID, r.NamespaceID, &r.SchemaID, &r.Version); err != nil {
		return nil, err
	}
	stored, err := s.opts.Registry.Register(ctx, *r)
	if err != nil {
		return nil, err
	}
	return map[string]any{"record": stored}, nil
}

func (s *Service) schemasList(ctx context.Context, c *Call) (any, error) {
	var args struct {
		TenantID    evidence.TenantID    `json:"tenant_id"`
		NamespaceID evidence.NamespaceID `json:"namespace_id"`
		Cursor      *string              `json:"cursor"`
		Limit       *int                 `json:"limit"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if _, err := listLimit(args.Limit); err != nil {
		return nil, err
	}
	if err := s.authorizeRegistry(ctx, c, registry.ActionList, args.TenantID, args.NamespaceID, nil, nil); err != nil {
		return nil, err
	}
	items, next, err := s.opts.Registry.List(ctx, args.TenantID, args.NamespaceID, args.Cursor, args.Limit)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []registry.Record{}
	}
	return map[string]any{"items": items, "next_token": next}, nil
}

func (s *Service) schemasGet(ctx context.Context, c *Call) (any, error) {
	var args struct {
		TenantID    evidence.TenantID    `json:"tenant_id"`
		NamespaceID evidence.NamespaceID `json:"namespace_id"`
		SchemaID    string               `json:"schema_id"`
		Version     string               `json:"version"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if err := s.authorizeRegistry(ctx, c, registry.ActionGet, args.TenantID, args.NamespaceID, &args.SchemaID, &args.Version); err != nil {
		return nil, err
	}
	rec, err := s.opts.Registry.Get(ctx, args.TenantID, args.NamespaceID, args.SchemaID, args.Version)
	if err != nil {
		return nil, err
	}
	return map[string]any{"record": rec}, nil
}
