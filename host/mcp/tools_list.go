package mcp

import (
	"context"
	"sort"

	"github.com/decision-gate/dgw/host/evidence"
)

const (
	defaultListLimit = 50
	maxListLimit     = 1000
)

// listLimit validates a list limit (1..1000, default 50).
func listLimit(l *int) (int, error) {
	if l == nil {
		return defaultListLimit, nil
	}
	if *l < 1 || *l > maxListLimit {
		return 0, invalidParams("limit must be between 1 and 1000")
	}
	return *l, nil
}

type scenarioItem struct {
	ScenarioID  string               `json:"scenario_id"`
	NamespaceID evidence.NamespaceID `json:"namespace_id"`
	SpecHash    evidence.HashDigest  `json:"spec_hash"`
}

func (s *Service) scenariosList(ctx context.Context, c *Call) (any, error) {
	var args struct {
		TenantID    evidence.TenantID    `json:"tenant_id"`
		NamespaceID evidence.NamespaceID `json:"namespace_id"`
		Cursor      *string              `json:"cursor"`
		Limit       *int                 `json:"limit"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	limit, err := listLimit(args.Limit)
	if err != nil {
		return nil, err
	}
	if err := s.opts.Namespace.check(ctx, &args.TenantID, args.NamespaceID, c.corr()); err != nil {
		return nil, err
	}
	var items []scenarioItem
	for _, spec := range s.opts.Engine.Specs() {
		if spec.NamespaceID != args.NamespaceID {
			continue
		}
		if spec.DefaultTenantID != nil && *spec.DefaultTenantID != args.TenantID {
			continue
		}
		_, h, _ := s.opts.Engine.Spec(spec.ScenarioID)
		items = append(items, scenarioItem{ScenarioID: spec.ScenarioID, NamespaceID: spec.NamespaceID, SpecHash: h})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ScenarioID < items[j].ScenarioID })
	start := 0
	if args.Cursor != nil {
		for i, it := range items {
			if it.ScenarioID == *args.Cursor {
				start = i + 1
				break
			}
		}
	}
	page := items[start:min(start+limit, len(items))]
	var next *string
	if len(page) > 0 {
		last := page[len(page)-1].ScenarioID
		next = &last
	}
	if page == nil {
		page = []scenarioItem{}
	}
	return map[string]any{"items": page, "next_token": next}, nil
}
