package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/provider"
)

// Broker holds the governed providers of every type = "mcp" entry of a
// config, in config order.
//
// A Broker is safe for concurrent use. Close it when done; Close is
// idempotent.
type Broker struct {
	list   []*Provider
	byName map[string]*Provider
	log    *slog.Logger
	closed atomic.Bool
}

// New builds a [Provider] for every mcp entry of cfg and, when
// external_mcp.preflight_on_start is set (and [Options.SkipStartupPreflight]
// is not), preflights them all concurrently. Then (design broker.md
// §4.3.7, §4.3.8):
//
//   - strict mode: a non-optional provider whose preflight fails makes New
//     fail; an optional one starts unavailable, with a warning;
//   - non-strict mode: a failed preflight is a warning. The provider is
//     unavailable only if its preflight.required is set; otherwise it stays
//     in service and its breaker deals with the outage.
//
// In both modes "unavailable" means that queries fail with
// provider_unavailable (condition unknown) until a preflight passes.
//
//	b, err := broker.New(ctx, cfg, &broker.Options{Logger: log, ConfigHash: h})
//	defer b.Close()
//	reg, err := provider.NewRegistry(append(wasmProviders, b.Providers()...)...)
//
// # Errors
//
// An [*errcode.Error]: invalid_argument when a contract does not load
// (every such entry is named), failed_precondition when strict mode
// refuses to start, naming the provider, the failing step and its message:
// "broker: providers[2] (deploys): preflight failed at step env: …".
func New(ctx context.Context, cfg *config.Config, opts *Options) (*Broker, error) {
	b := &Broker{byName: make(map[string]*Provider), log: opts.logger()}
	var errs []error
	for i, pc := range cfg.Providers {
		if pc.Type != config.ProviderMCP {
			continue
		}
		p, err := NewProvider(i, pc, cfg.ExternalMCP, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.list = append(b.list, p)
		b.byName[p.name] = p
	}
	if len(errs) > 0 {
		_ = b.Close()
		return nil, joinCoded(errcode.InvalidArgument, errs)
	}
	for _, p := range b.list {
		if p.required && (!cfg.ExternalMCP.PreflightOnStart || opts != nil && opts.SkipStartupPreflight) {
			b.log.Warn("provider unavailable until a preflight passes", "provider_id", p.name, "reason", "preflight is required and was not run at start-up")
		}
	}
	if !cfg.ExternalMCP.PreflightOnStart || opts != nil && opts.SkipStartupPreflight {
		return b, nil
	}
	if err := b.startupPreflight(ctx, cfg.ExternalMCP.Strict); err != nil {
		_ = b.Close()
		return nil, err
	}
	return b, nil
}

// startupPreflight preflights every provider concurrently and applies the
// start-up rules of [New].
func (b *Broker) startupPreflight(ctx context.Context, strict bool) error {
	reports := make([]*PreflightReport, len(b.list))
	var wg sync.WaitGroup
	for i, p := range b.list {
		wg.Go(func() { reports[i] = p.Preflight(ctx) })
	}
	wg.Wait()
	var errs []error
	for i, p := range b.list {
		f := reports[i].Failed()
		if f == nil {
			continue
		}
		attrs := []any{"provider_id", p.name, "step", f.Step, "code", f.Code, "message", f.Message,
			"optional", p.cfg.Optional, "admitted", p.Admitted()}
		switch {
		case strict && !p.cfg.Optional:
			errs = append(errs, fmt.Errorf("broker: %s: preflight failed at step %s: %s", p.key, f.Step, f.Message))
		case p.Admitted(): // preflight not required
			b.log.Warn("start-up preflight failed; the provider stays in service behind its circuit breaker", attrs...)
		case p.cfg.Optional:
			b.log.Warn("start-up preflight failed; the optional provider is unavailable until a preflight passes", attrs...)
		default:
			b.log.Error("start-up preflight failed; the provider is unavailable until a preflight passes", attrs...)
		}
	}
	if len(errs) > 0 {
		return joinCoded(errcode.FailedPrecondition, errs)
	}
	return nil
}

// Providers returns every provider in config order, admitted or not: an
// unavailable provider answers queries with provider_unavailable.
func (b *Broker) Providers() []provider.Provider {
	out := make([]provider.Provider, len(b.list))
	for i, p := range b.list {
		out[i] = p
	}
	return out
}

// Get returns the provider named name.
func (b *Broker) Get(name string) (*Provider, bool) {
	p, ok := b.byName[name]
	return p, ok
}

// Preflight runs preflight for the provider named name and records the
// report (see [Provider.Preflight]).
//
// # Errors
//
// not_found when there is no mcp provider named name.
func (b *Broker) Preflight(ctx context.Context, name string) (*PreflightReport, error) {
	p, ok := b.byName[name]
	if !ok {
		return nil, errcode.New(errcode.NotFound, "broker: no mcp provider named %q", name)
	}
	return p.Preflight(ctx), nil
}

// Health returns the state of the provider named name.
func (b *Broker) Health(name string) (Health, bool) {
	p, ok := b.byName[name]
	if !ok {
		return Health{}, false
	}
	return p.Health(), true
}

// Close closes every provider, in reverse config order. It is idempotent.
func (b *Broker) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	var errs []error
	for i := len(b.list) - 1; i >= 0; i-- {
		if err := b.list[i].Close(); err != nil {
			errs = append(errs, fmt.Errorf("broker: close %s: %w", b.list[i].name, err))
		}
	}
	return errors.Join(errs...)
}

// joinCoded joins errs under one code.
func joinCoded(code errcode.Code, errs []error) error {
	return &errcode.Error{Code: code, Err: errors.Join(errs...)}
}
