package mcp

import (
	"context"
	"sort"
	"strings"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/provider"
)

type providerSummary struct {
	ProviderID string   `json:"provider_id"`
	Transport  string   `json:"transport"`
	Checks     []string `json:"checks"`
}

func (s *Service) providersList(_ context.Context, c *Call) (any, error) {
	var args struct{}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	out := []providerSummary{}
	for _, id := range s.opts.Providers.IDs() {
		p, _ := s.opts.Providers.Get(id)
		ct := p.Contract()
		checks := ct.CheckIDs()
		sort.Strings(checks)
		out = append(out, providerSummary{ProviderID: id, Transport: string(ct.Transport), Checks: checks})
	}
	return map[string]any{"providers": out}, nil
}

// discoverable returns a provider the caller may discover.
func (s *Service) discoverable(id string) (provider.Provider, error) {
	if strings.TrimSpace(id) == "" {
		return nil, invalidParams("provider_id must not be empty")
	}
	if !s.opts.Discovery.allowed(id) {
		return nil, errcode.New(errcode.PermissionDenied, "provider discovery denied for %s", id)
	}
	p, ok := s.opts.Providers.Get(id)
	if !ok {
		return nil, invalidParams("provider_missing: unknown provider " + id)
	}
	if n := len(p.Contract().Canonical()); n > s.opts.Discovery.MaxResponseBytes {
		return nil, errcode.New(errcode.ResourceExhausted, "provider contract is %d bytes, over provider_discovery.max_response_bytes %d", n, s.opts.Discovery.MaxResponseBytes)
	}
	return p, nil
}

func contractSource(p provider.Provider) string {
	if d, ok := p.(provider.Describer); ok {
		return d.Source()
	}
	if p.Contract().Transport == provider.Builtin {
		return "builtin"
	}
	return "file"
}

func (s *Service) providerContractGet(_ context.Context, c *Call) (any, error) {
	var args struct {
		ProviderID string `json:"provider_id"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	p, err := s.discoverable(args.ProviderID)
	if err != nil {
		return nil, err
	}
	ct := p.Contract()
	return map[string]any{
		"provider_id": args.ProviderID, "contract": ct, "contract_hash": ct.Hash(),
		"source": contractSource(p), "version": nil,
	}, nil
}

func (s *Service) providerCheckSchemaGet(_ context.Context, c *Call) (any, error) {
	var args struct {
		ProviderID string `json:"provider_id"`
		CheckID    string `json:"check_id"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	p, err := s.discoverable(args.ProviderID)
	if err != nil {
		return nil, err
	}
	ct := p.Contract()
	ch := ct.Check(args.CheckID)
	if ch == nil {
		return nil, invalidParams("check_missing: unknown check " + args.ProviderID + "." + args.CheckID)
	}
	return map[string]any{
		"provider_id": args.ProviderID, "check_id": ch.CheckID, "params_required": ch.ParamsRequired,
		"params_schema": ch.ParamsSchema, "result_schema": ch.ResultSchema,
		"allowed_comparators": ch.AllowedComparators, "determinism": ch.Determinism,
		"anchor_types": ch.AnchorTypes, "content_types": ch.ContentTypes, "examples": ch.Examples,
		"contract_hash": ct.Hash(),
	}, nil
}
