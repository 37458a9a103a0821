package broker

import (
	"context"
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/evidence"
)

// Query runs one check on the backend, in the order of design broker.md
// §4.4 (provider policy and trust are applied by the caller):
//
//  1. a provider whose preflight is required and that is not admitted
//     refuses with provider_unavailable;
//  2. an open breaker, or a half-open one with no probe slot left,
//     refuses with circuit_open, with no traffic;
//  3. the call takes a concurrency slot or waits in the bounded queue
//     (respecting ctx); when both are full it refuses at once with
//     backend_busy;
//  4. the call runs under request_timeout_ms, and its outcome is recorded
//     in the breaker.
//
// A failure never comes with a value: the result is then the zero Result
// and the error an evidence.CodedError.
//
// # Errors
//
// A [*CallError] with code provider_unavailable, circuit_open,
// backend_busy, timeout or provider_error, or a wrapped *mcpclient.Error
// (evidence code timeout or provider_error).
func (p *Provider) Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	res, err := p.query(ctx, q, ec)
	if err != nil {
		p.degraded(q.CheckID, err)
		return evidence.Result{}, err
	}
	return res, nil
}

func (p *Provider) query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	if p.closed.Load() {
		return evidence.Result{}, callErr(p.name, CodeProviderUnavailable, "the provider is closed")
	}
	if !p.Admitted() {
		return evidence.Result{}, callErr(p.name, CodeProviderUnavailable, "preflight is required and no passing preflight exists for the current config")
	}
	if !p.breaker.peek() {
		return evidence.Result{}, callErr(p.name, CodeCircuitOpen, "the circuit breaker is %s", p.breaker.State())
	}
	release, err := p.limiter.acquire(ctx)
	switch {
	case errors.Is(err, errBusy):
		inFlight, queued := p.limiter.load()
		return evidence.Result{}, callErr(p.name, CodeBackendBusy, "%d calls in flight and %d queued", inFlight, queued)
	case err != nil:
		return evidence.Result{}, abandoned(p.name, err)
	}
	defer release()
	t, ok := p.breaker.allow() // again: the breaker may have opened while this call was queued
	if !ok {
		return evidence.Result{}, callErr(p.name, CodeCircuitOpen, "the circuit breaker is %s", p.breaker.State())
	}
	res, out, err := p.call(ctx, q, ec)
	p.breaker.done(t, out)
	return res, err
}

// call runs the query on the live backend, connecting it first if needed,
// and classifies the outcome for the breaker.
func (p *Provider) call(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, outcome, error) {
	be, out, err := p.liveBackend(ctx)
	if err != nil {
		return evidence.Result{}, out, err
	}
	if pr := p.checkPinnedBinary(be); pr != nil {
		return evidence.Result{}, neutral, &CallError{Provider: p.name, Code: CodeProviderUnavailable, Msg: pr.Error()}
	}
	cctx, cancel := context.WithTimeout(ctx, p.requestTimeout)
	defer cancel()
	start := p.clock.Now()
	res, err := be.Call(cctx, q, ec)
	p.log.Debug("provider call", "provider_id", p.name, "check_id", q.CheckID, "duration_ms", p.clock.Now().Sub(start).Milliseconds(), "ok", err == nil)
	if err == nil {
		// A well-formed result is a success for the breaker even when it
		// carries an in-band error: that is evidence, not an outage.
		return res, success, nil
	}
	if p.stdio {
		// The child's output can no longer be trusted to be in step with
		// the requests: drop it; the next call respawns it.
		p.dropBackend(be)
	}
	out, err = p.classify(ctx, cctx, "request_timeout_ms", p.requestTimeout.Milliseconds(), err)
	return evidence.Result{}, out, err
}

// liveBackend returns the connected backend, connecting it under
// startup_timeout_ms when there is none. Connection failures come back
// classified.
func (p *Provider) liveBackend(ctx context.Context) (Backend, outcome, error) {
	p.mu.Lock()
	be := p.backend
	p.mu.Unlock()
	if be != nil {
		return be, success, nil
	}
	select {
	case p.dialLock <- struct{}{}:
	case <-ctx.Done():
		return nil, neutral, abandoned(p.name, ctx.Err())
	}
	defer func() { <-p.dialLock }()
	p.mu.Lock()
	be = p.backend
	p.mu.Unlock()
	if be != nil {
		return be, success, nil // connected by another caller meanwhile
	}
	hctx, cancel := context.WithTimeout(ctx, p.startupTimeout)
	defer cancel()
	c, err := p.connect(hctx)
	if err != nil {
		out, err := p.classify(ctx, hctx, "startup_timeout_ms", p.startupTimeout.Milliseconds(), err)
		return nil, out, err
	}
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		_ = c.be.Close()
		return nil, neutral, callErr(p.name, CodeProviderUnavailable, "the provider is closed")
	}
	p.backend, p.binPath, p.binStat = c.be, c.binPath, c.binStat
	p.mu.Unlock()
	return c.be, success, nil
}

// dropBackend forgets and closes be if it is still the live backend.
func (p *Provider) dropBackend(be Backend) {
	p.mu.Lock()
	live := p.backend == be
	if live {
		p.backend, p.binPath, p.binStat = nil, "", nil
	}
	p.mu.Unlock()
	if live {
		p.closeBackend(be)
	}
}

// classify maps the error of a connection or call made under dctx (derived
// from the caller's parent) to its breaker outcome and the caller's error:
//
//   - a host refusal before any traffic (environment, pin, egress policy
//     build) is provider_unavailable and not counted;
//   - a call the caller abandoned is not counted;
//   - client errors keep their code and count when Counted says so (an
//     egress refusal does not);
//   - any other error counts: timeout when dctx's deadline passed,
//     provider_error otherwise.
func (p *Provider) classify(parent, dctx context.Context, limit string, limitMS int64, err error) (outcome, error) {
	var pr *problem
	var ce *mcpclient.Error
	switch {
	case errors.As(err, &pr):
		return neutral, &CallError{Provider: p.name, Code: CodeProviderUnavailable, Msg: pr.Error()}
	case parent.Err() != nil:
		return neutral, abandoned(p.name, parent.Err())
	case errors.As(err, &ce):
		if ce.Counted() {
			return failure, fmt.Errorf("broker: %s: %w", p.name, err)
		}
		return neutral, fmt.Errorf("broker: %s: %w", p.name, err)
	case errors.Is(dctx.Err(), context.DeadlineExceeded):
		return failure, &CallError{Provider: p.name, Code: CodeTimeout, Msg: fmt.Sprintf("no answer within %s (%d)", limit, limitMS), Err: err}
	default:
		return failure, &CallError{Provider: p.name, Code: CodeProviderError, Err: err}
	}
}

// degraded logs a failed or refused query: at warn, or at info for an
// optional provider (design broker.md §4.3.8), so that dashboards stay
// calm while the event is still recorded.
func (p *Provider) degraded(checkID string, err error) {
	attrs := []any{"provider_id", p.name, "check_id", checkID, "code", evidence.ErrorCode(err), "error", redact(err.Error(), secretValues(&p.cfg, p.getenv))}
	if p.cfg.Optional {
		p.log.Info("degraded call", attrs...)
		return
	}
	p.log.Warn("degraded call", attrs...)
}
