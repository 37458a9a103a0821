package server

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evsig"
	"github.com/decision-gate/dgw/host/provenance"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/provpolicy"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/wasm"
)

// effectiveTrust is a provider's evidence trust policy: its own when it
// requires signatures, else trust.default_policy. A provider's "audit"
// cannot weaken a default that requires signatures: overrides only
// tighten.
func effectiveTrust(cfg *config.Config, p config.Provider) (config.TrustPolicy, bool) {
	def := cfg.Trust.DefaultPolicy
	if p.Trust != nil && p.Trust.RequireSignature {
		return *p.Trust, false
	}
	weakened := p.Trust != nil && !p.Trust.RequireSignature && def.RequireSignature
	return def, weakened
}

// guardSignatures wraps each provider whose effective trust policy
// requires signatures so that every result is verified before use.
func (s *Server) guardSignatures(providers []provider.Provider) ([]provider.Provider, error) {
	out := make([]provider.Provider, len(providers))
	for i, p := range providers {
		out[i] = p
		pc, ok := s.cfg.Provider(p.ID())
		if !ok {
			continue
		}
		tp, weakened := effectiveTrust(s.cfg, pc)
		if weakened {
			s.log.Warn("a provider's trust = \"audit\" cannot weaken trust.default_policy; its results must be signed",
				"provider", p.ID())
		}
		if !tp.RequireSignature {
			continue
		}
		paths := make([]string, len(tp.Keys))
		for j, k := range tp.Keys {
			paths[j] = k.String()
		}
		keys, err := evsig.LoadKeys(paths)
		if err != nil {
			return nil, fmt.Errorf("providers (%s).trust: %w", p.ID(), err)
		}
		out[i] = evsig.Guard(p, keys)
	}
	return out, nil
}

// descriptors describes the registered providers for the provider-set
// hash.
func (s *Server) descriptors(providers []provider.Provider) []provenance.Descriptor {
	var out []provenance.Descriptor
	for _, p := range providers {
		pc, _ := s.cfg.Provider(p.ID())
		tp, _ := effectiveTrust(s.cfg, pc)
		d := provenance.Descriptor{Name: p.ID(), Type: string(pc.Type), ContractHash: p.Contract().Hash().String(),
			Trust: tp.String(), Capabilities: []string{}}
		for u := p; u != nil; u = unwrap(u) {
			switch m := u.(type) {
			case *wasm.Module:
				d.Source = "sha256:" + m.Manifest().Wasm.SHA256
				if k := m.Signer(); k != nil {
					d.Signer = k.String()
				}
				d.Capabilities = m.Grant().Names()
			}
		}
		if pc.Type == config.ProviderMCP {
			d.Protocol = pc.Protocol
			if pc.URL != "" {
				d.Source = pc.URL
			} else {
				d.Source = fmt.Sprintf("%q sha256:%s", pc.Command, pc.CommandSHA256)
			}
		}
		out = append(out, d)
	}
	return out
}

func unwrap(p provider.Provider) provider.Provider {
	if u, ok := p.(interface{ Unwrap() provider.Provider }); ok {
		return u.Unwrap()
	}
	return nil
}

// governance compiles [provider_policy] and the provenance recorder over
// the registered providers.
func (s *Server) governance(providers []provider.Provider, health provenance.HealthFunc) error {
	pol, err := provpolicy.Compile(s.cfg, s.reg)
	if err != nil {
		return err
	}
	s.policy = pol
	s.provenance, err = provenance.New(s.cfg, pol.Version(), pol.Hash(), s.descriptors(providers), health, s.opts.Version)
	if err != nil {
		return err
	}
	c, p, ps := s.provenance.ConfigHashes()
	s.log.Info("governance", "config_hash", c.String(), "policy_version", pol.Version(), "policy_hash", p.String(),
		"provider_set_hash", ps.String())
	return nil
}

// onDecision writes each durable decision's provenance to the audit log.
func onDecision(sink *audit.Sink) func(context.Context, scenario.RunKey, *scenario.DecisionRecord, *scenario.Provenance) {
	return func(_ context.Context, key scenario.RunKey, d *scenario.DecisionRecord, p *scenario.Provenance) {
		if p == nil {
			return
		}
		sink.Record(&audit.DecisionProvenance{TenantID: uint64(key.TenantID), NamespaceID: uint64(key.NamespaceID),
			RunID: key.RunID, TriggerID: d.TriggerID, Outcome: string(d.Outcome.Kind), Provenance: p})
	}
}

// withPolicy adds the provider-policy check to a define check.
func withPolicy(pol *provpolicy.Policy, next func(*scenario.Spec) error) func(*scenario.Spec) error {
	return func(spec *scenario.Spec) error {
		if err := pol.CheckSpec(spec); err != nil {
			return err
		}
		return next(spec)
	}
}

var _ engine.EvidenceSource = (provpolicy.Source)(nil)
