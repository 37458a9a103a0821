package server

import (
	"context"

	"github.com/decision-gate/dgw/host/broker"
	"github.com/decision-gate/dgw/host/provenance"
	"github.com/decision-gate/dgw/host/provider"
)

// buildExternal builds the broker for the type = "mcp" providers (none:
// no broker) and runs their start-up preflight.
func (s *Server) buildExternal(ctx context.Context) ([]provider.Provider, error) {
	hasMCP := false
	for _, p := range s.cfg.Providers {
		hasMCP = hasMCP || p.Type == "mcp"
	}
	if !hasMCP {
		return nil, nil
	}
	h, err := provenance.ConfigHash(s.cfg)
	if err != nil {
		return nil, err
	}
	b, err := broker.New(ctx, s.cfg, &broker.Options{Logger: s.log, ConfigHash: h.Value})
	if err != nil {
		return nil, err
	}
	s.broker = b
	s.onClose(b.Close)
	return b.Providers(), nil
}

// health reports a provider's health for decision provenance: the
// broker's view of an external provider; in-process providers are always
// admitted and have no breaker.
func (s *Server) health(name string) provenance.Health {
	if s.broker != nil {
		if h, ok := s.broker.Health(name); ok {
			return provenance.Health{Admitted: h.Admitted, Breaker: string(h.Breaker), LastPreflight: h.LastPreflightID}
		}
	}
	return provenance.Health{Admitted: true, Breaker: "none"}
}

// Providers returns the provider registry (the providers as registered,
// without the provider policy in front).
func (s *Server) Providers() *provider.Registry { return s.reg }

// Broker returns the broker of the external providers, or nil.
func (s *Server) Broker() *broker.Broker { return s.broker }
