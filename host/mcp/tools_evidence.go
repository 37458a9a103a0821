package mcp

import (
	"context"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
)

// QueryValidator is implemented by provider registries that check a query
// against the provider's contract (provider_missing, check_missing,
// params_missing, params_invalid).
type QueryValidator interface {
	ValidateQuery(q evidence.Query) error
}

func (s *Service) evidenceQuery(ctx context.Context, c *Call) (any, error) {
	var args struct {
		Query   evidence.Query   `json:"query"`
		Context evidence.Context `json:"context"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	t := args.Context.TenantID
	if err := s.opts.Namespace.check(ctx, &t, args.Context.NamespaceID, c.corr()); err != nil {
		return nil, err
	}
	if v, ok := any(s.opts.Providers).(QueryValidator); ok {
		if err := v.ValidateQuery(args.Query); err != nil {
			return nil, err
		}
	}
	res, err := s.opts.Evidence.Query(ctx, args.Query, args.Context)
	if err != nil {
		res = engine.ProviderErrorResult(err)
	}
	if err := engine.NormaliseResult(&res); err != nil {
		return nil, err
	}
	s.opts.Disclosure.redact(args.Query.ProviderID, &res)
	return map[string]any{"result": res}, nil
}
