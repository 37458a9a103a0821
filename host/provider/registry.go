package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// Registry holds the providers of one server. Build it with [NewRegistry];
// it is immutable afterwards and safe for concurrent use.
type Registry struct {
	byID map[string]Provider
	ids  []string // sorted
}

// NewRegistry builds a registry. Provider ids must be unique and non-empty,
// and each provider's contract must name the same id.
func NewRegistry(providers ...Provider) (*Registry, error) {
	r := &Registry{byID: make(map[string]Provider, len(providers))}
	for _, p := range providers {
		id := p.ID()
		if id == "" {
			return nil, fmt.Errorf("provider: empty provider id")
		}
		if _, dup := r.byID[id]; dup {
			return nil, fmt.Errorf("duplicate_provider: %s", id)
		}
		if c := p.Contract(); c == nil || c.ProviderID != id {
			return nil, fmt.Errorf("contract_invalid: provider %s: contract provider_id does not match", id)
		}
		r.byID[id] = p
		r.ids = append(r.ids, id)
	}
	sort.Strings(r.ids)
	return r, nil
}

// Get returns the provider with the given id.
func (r *Registry) Get(id string) (Provider, bool) {
	if r == nil {
		return nil, false
	}
	p, ok := r.byID[id]
	return p, ok
}

// IDs returns the provider ids in byte order.
func (r *Registry) IDs() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.ids...)
}

// Has reports whether a provider is registered.
func (r *Registry) Has(id string) bool {
	_, ok := r.Get(id)
	return ok
}

// Query runs a check on the named provider. It implements the engine's
// evidence source over the registry.
func (r *Registry) Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	p, ok := r.Get(q.ProviderID)
	if !ok {
		return evidence.Result{}, errcode.New(errcode.NotFound, "provider not registered: %s", q.ProviderID)
	}
	return p.Query(ctx, q, ec)
}
