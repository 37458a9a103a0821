package server

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/mcp"
	"github.com/decision-gate/dgw/host/nsauth"
	"github.com/decision-gate/dgw/host/policy"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/scenario"
)

func lane(l config.Lane) evidence.TrustLane {
	if l == config.LaneAsserted {
		return evidence.Asserted
	}
	return evidence.Verified
}

// trustPolicy maps [trust] and dev-permissive mode onto the engine's
// trust policy: in dev-permissive mode every provider but the exempt ones
// accepts asserted evidence.
func trustPolicy(cfg *config.Config) engine.TrustPolicy {
	min := lane(cfg.Trust.MinLane)
	tp := engine.TrustPolicy{MinLane: min}
	if cfg.DevPermissive() {
		exempt := cfg.Dev.PermissiveExemptProviders
		tp.MinLane = evidence.Asserted
		tp.ProviderLane = func(id string) evidence.TrustLane {
			if slices.Contains(exempt, id) {
				return min
			}
			return evidence.Asserted
		}
	}
	return tp
}

func anchorRequirements(cfg *config.Config) map[string]engine.AnchorRequirement {
	if len(cfg.Anchors.Providers) == 0 {
		return nil
	}
	out := map[string]engine.AnchorRequirement{}
	for _, a := range cfg.Anchors.Providers {
		out[a.ProviderID] = engine.AnchorRequirement{AnchorType: a.AnchorType, RequiredFields: a.RequiredFields}
	}
	return out
}

// anchorPolicy is the manifest form of the anchor policy (omitted when none).
func anchorPolicy(cfg *config.Config) *runpack.AnchorPolicy {
	if len(cfg.Anchors.Providers) == 0 {
		return nil
	}
	p := &runpack.AnchorPolicy{}
	for _, a := range cfg.Anchors.Providers {
		p.Providers = append(p.Providers, runpack.ProviderAnchor{ProviderID: a.ProviderID,
			Requirement: runpack.AnchorRequirement{AnchorType: a.AnchorType, RequiredFields: a.RequiredFields}})
	}
	return p
}

func dispatchPolicy(cfg *config.Config) (engine.DispatchPolicy, error) {
	var static *policy.Static
	if sp := cfg.Policy.Static; sp != nil {
		st := policy.Static{Default: policy.Effect(sp.Default)}
		for _, r := range sp.Rules {
			rule := policy.Rule{
				Effect: policy.Effect(r.Effect), ErrorMessage: r.ErrorMessage, TargetKinds: r.TargetKinds,
				RequireLabels: r.RequireLabels, ForbidLabels: r.ForbidLabels,
				RequirePolicyTags: r.RequirePolicyTags, ForbidPolicyTags: r.ForbidPolicyTags,
				ContentTypes: r.ContentTypes, SchemaIDs: r.SchemaIDs, PacketIDs: r.PacketIDs,
				StageIDs: r.StageIDs, ScenarioIDs: r.ScenarioIDs,
			}
			for _, t := range r.Targets {
				rule.Targets = append(rule.Targets, policy.TargetSelector{TargetKind: t.TargetKind,
					TargetID: t.TargetID, System: t.System, Target: t.Target})
			}
			st.Rules = append(st.Rules, rule)
		}
		var err error
		if static, err = policy.NewStatic(st); err != nil {
			return nil, fmt.Errorf("policy.static: %w", err)
		}
	}
	return policy.New(policy.Engine(cfg.Policy.Engine), static)
}

// defineCheck runs capability validation (always) and strict comparator
// validation (when validation.strict) on every condition of a spec being
// defined.
func defineCheck(reg *provider.Registry, v config.Validation) func(*scenario.Spec) error {
	opts := compare.Options{Strict: v.Strict, EnableLexicographic: v.EnableLexicographic, EnableDeepEquals: v.EnableDeepEquals}
	return func(spec *scenario.Spec) error {
		for i := range spec.Conditions {
			c := &spec.Conditions[i]
			if err := reg.ValidateCondition(c.Query, c.Comparator, c.Expected); err != nil {
				return err
			}
		}
		if !v.Strict {
			return nil
		}
		for i := range spec.Conditions {
			c := &spec.Conditions[i]
			p, _ := reg.Get(c.Query.ProviderID)
			check := p.Contract().Check(c.Query.CheckID)
			if err := compare.CheckCondition(c.ConditionID, c.Comparator, c.Expected, check.ResultSchema, opts, provider.ValidateJSON); err != nil {
				return errcode.Wrap(errcode.InvalidArgument, "", err)
			}
		}
		return nil
	}
}

// authOptions maps [server.auth]; bearer tokens become fingerprints here and
// the raw tokens go no further.
func authOptions(cfg *config.Config) mcp.AuthOptions {
	a := cfg.Server.Auth
	out := mcp.AuthOptions{Mode: mcp.AuthMode(a.Mode), MTLSSubjects: a.MTLSSubjects, AllowedTools: a.AllowedTools}
	for _, t := range a.BearerTokens {
		out.TokenFingerprints = append(out.TokenFingerprints, mcp.Fingerprint(t.Reveal()))
	}
	for _, p := range a.Principals {
		pc := mcp.PrincipalConfig{Subject: p.Subject, PolicyClass: p.PolicyClass}
		for _, r := range p.Roles {
			role := mcp.Role{Name: r.Name}
			if r.TenantID != nil {
				t := evidence.TenantID(*r.TenantID)
				role.TenantID = &t
			}
			if r.NamespaceID != nil {
				n := evidence.NamespaceID(*r.NamespaceID)
				role.NamespaceID = &n
			}
			pc.Roles = append(pc.Roles, role)
		}
		out.Principals = append(out.Principals, pc)
	}
	return out
}

func feedbackPolicy(cfg *config.Config) (mcp.FeedbackPolicy, error) {
	f := cfg.Server.Feedback.ScenarioNext
	var errs []error
	parse := func(l config.FeedbackLevel) mcp.FeedbackLevel {
		v, err := mcp.ParseFeedbackLevel(string(l))
		errs = append(errs, err)
		return v
	}
	p := mcp.FeedbackPolicy{
		Default: parse(f.Default), LocalOnlyDefault: parse(f.LocalOnlyDefault), Max: parse(f.Max),
		TraceSubjects: f.TraceSubjects, TraceRoles: f.TraceRoles,
		EvidenceSubjects: f.EvidenceSubjects, EvidenceRoles: f.EvidenceRoles,
	}
	return p, errors.Join(errs...)
}

// namespacePolicy maps [namespace]; with namespace.authority.mode =
// "assetcore_http" every namespace is also checked with the AssetCore
// deployment (spec §7.3).
func (s *Server) namespacePolicy() (mcp.NamespacePolicy, error) {
	cfg := s.cfg
	p := mcp.NamespacePolicy{AllowDefault: cfg.Namespace.AllowDefault}
	for _, t := range cfg.Namespace.DefaultTenants {
		p.DefaultTenants = append(p.DefaultTenants, evidence.TenantID(t))
	}
	if ac := cfg.Namespace.Authority.AssetCore; cfg.Namespace.Authority.Mode == config.AuthorityAssetCoreHTTP && ac != nil {
		a, err := nsauth.NewAssetCoreHTTP(ac.BaseURL, &nsauth.Options{
			AuthToken:      nsauth.Token(ac.AuthToken.Reveal()),
			ConnectTimeout: time.Duration(ac.ConnectTimeoutMS) * time.Millisecond,
			RequestTimeout: time.Duration(ac.RequestTimeoutMS) * time.Millisecond,
			Logger:         s.log,
		})
		if err != nil {
			return p, fmt.Errorf("namespace.authority.assetcore: %w", err)
		}
		s.onClose(a.Close)
		p.Authority = a
	}
	return p, nil
}

func disclosurePolicy(cfg *config.Config) mcp.DisclosurePolicy {
	d := mcp.DisclosurePolicy{AllowRawValues: cfg.Evidence.AllowRawValues,
		RequireProviderOptIn: cfg.Evidence.RequireProviderOptIn, ProviderAllowRaw: map[string]bool{}}
	for _, p := range cfg.Providers {
		d.ProviderAllowRaw[p.Name] = p.AllowRaw
	}
	return d
}
