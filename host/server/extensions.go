package server

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/docs"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/mcp"
	"github.com/decision-gate/dgw/host/registry"
)

// attachExtensions builds the schema registry and docs index and hands
// them, with the audit sink, to the tool service.
func (s *Server) attachExtensions(_ context.Context, o *mcp.Options, sink *audit.Sink) error {
	cfg := s.cfg
	d, err := registryDriver(cfg)
	if err != nil {
		return fmt.Errorf("schema_registry (%s): %w", cfg.SchemaRegistry.Type, err)
	}
	reg, err := registry.New(d, registryOptions(cfg))
	if err != nil {
		d.Close()
		return fmt.Errorf("schema_registry: %w", err)
	}
	s.onClose(reg.Close)
	o.Registry = reg
	o.Audit = sink
	o.LogPrecheckPayloads = cfg.Server.Audit.LogPrecheckPayloads
	o.Validation = compare.Options{Strict: cfg.Validation.Strict,
		EnableLexicographic: cfg.Validation.EnableLexicographic, EnableDeepEquals: cfg.Validation.EnableDeepEquals}
	if cfg.Docs.Enabled {
		d := cfg.Docs
		opts := docs.Options{Enabled: true, EnableSearch: d.EnableSearch, EnableResources: d.EnableResources,
			IncludeDefaultDocs: d.IncludeDefaultDocs, MaxDocBytes: d.MaxDocBytes, MaxTotalBytes: d.MaxTotalBytes,
			MaxDocs: int(d.MaxDocs), MaxSections: int(d.MaxSections)}
		for _, p := range d.ExtraPaths {
			opts.ExtraPaths = append(opts.ExtraPaths, p.String())
		}
		ix, err := docs.New(opts)
		if err != nil {
			return fmt.Errorf("docs: %w", err)
		}
		o.Docs = ix
	}
	return nil
}

func registryOptions(cfg *config.Config) *registry.Options {
	sr := cfg.SchemaRegistry
	o := &registry.Options{MaxSchemaBytes: int(sr.MaxSchemaBytes)}
	if sr.MaxEntries != nil {
		o.MaxEntries = uint64(*sr.MaxEntries)
	}
	acl := sr.ACL
	o.ACL = registry.ACLConfig{Mode: registry.ACLMode(acl.Mode), AllowLocalOnly: acl.AllowLocalOnly,
		RequireSigning: acl.RequireSigning, Default: registry.Effect(acl.Default)}
	for _, r := range acl.Rules {
		rule := registry.Rule{Effect: registry.Effect(r.Effect), Subjects: r.Subjects, Roles: r.Roles, PolicyClasses: r.PolicyClasses}
		for _, a := range r.Actions {
			rule.Actions = append(rule.Actions, registry.Action(a))
		}
		for _, t := range r.Tenants {
			rule.Tenants = append(rule.Tenants, evidence.TenantID(t))
		}
		for _, n := range r.Namespaces {
			rule.Namespaces = append(rule.Namespaces, evidence.NamespaceID(n))
		}
		o.ACL.Rules = append(o.ACL.Rules, rule)
	}
	return o
}
