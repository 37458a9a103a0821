package broker

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/evidence"
)

func TestBreaker_opensAfterThresholdAndMakesNoTraffic(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeProcessExited)
	}
	ctx := t.Context()
	for i := range 5 {
		if got := h.p.breaker.State(); got != StateClosed {
			t.Fatalf("before failure %d: state %s, want closed", i+1, got)
		}
		if _, err := h.query(ctx); code(err) != CodeProviderError {
			t.Fatalf("failure %d: code %q, want provider_error (%v)", i+1, code(err), err)
		}
	}
	if got := h.p.breaker.State(); got != StateOpen {
		t.Fatalf("after 5 failures: state %s, want open", got)
	}
	calls, dials := h.be.calls.Load(), h.dial.count()
	for range 10 {
		res, err := h.query(ctx)
		if code(err) != CodeCircuitOpen {
			t.Fatalf("while open: code %q, want circuit_open (%v)", code(err), err)
		}
		if res.Value != nil {
			t.Fatal("a refused call returned a value")
		}
		h.clock.Advance(2 * time.Second) // still inside open_ms (30 s)
	}
	if h.be.calls.Load() != calls || h.dial.count() != dials {
		t.Fatalf("calls during open_ms reached the backend: calls %d→%d, dials %d→%d", calls, h.be.calls.Load(), dials, h.dial.count())
	}
	if got, want := h.moves.states(), []State{StateOpen}; !slices.Equal(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
}

// openBreaker drives h's breaker open with counted failures, then makes
// the backend answer with fn.
func openBreaker(t *testing.T, h *harness, fn func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error)) {
	t.Helper()
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeTransport)
	}
	for range 5 {
		_, _ = h.query(t.Context())
	}
	if got := h.p.breaker.State(); got != StateOpen {
		t.Fatalf("state %s, want open", got)
	}
	h.be.call = fn
}

func TestBreaker_halfOpenAdmitsExactlyHalfOpenMax(t *testing.T) {
	entry := httpEntry(t, "template")
	entry.CircuitBreaker.HalfOpenMax = 2
	h := newHarness(t, entry, testEM(), nil)
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	openBreaker(t, h, func(ctx context.Context, _ evidence.Query, _ evidence.Context) (evidence.Result, error) {
		entered <- struct{}{}
		<-release
		return okResult(), nil
	})

	h.clock.Advance(30*time.Second - time.Millisecond)
	if _, err := h.query(t.Context()); code(err) != CodeCircuitOpen {
		t.Fatalf("1 ms before open_ms: code %q, want circuit_open", code(err))
	}
	h.clock.Advance(time.Millisecond)
	if got := h.p.breaker.State(); got != StateHalfOpen {
		t.Fatalf("after open_ms: state %s, want half_open", got)
	}

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { _, errs[i] = h.query(t.Context()) })
	}
	<-entered
	<-entered
	calls := h.be.calls.Load()
	if _, err := h.query(t.Context()); code(err) != CodeCircuitOpen {
		t.Fatalf("third probe: code %q, want circuit_open", code(err))
	}
	if h.be.calls.Load() != calls {
		t.Fatal("the refused probe reached the backend")
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("probe %d: %v", i, err)
		}
	}
	if got := h.p.breaker.State(); got != StateClosed {
		t.Fatalf("after %d successful probes: state %s, want closed", 2, got)
	}
	want := []State{StateOpen, StateHalfOpen, StateClosed}
	if got := h.moves.states(); !slices.Equal(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
}

func TestBreaker_probeFailureReopensAndRestartsTimer(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	openBreaker(t, h, func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeTimeout)
	})
	h.clock.Advance(30 * time.Second)
	if _, err := h.query(t.Context()); code(err) != CodeTimeout {
		t.Fatalf("probe: code %q, want timeout", code(err))
	}
	if got := h.p.breaker.State(); got != StateOpen {
		t.Fatalf("after a failed probe: state %s, want open", got)
	}
	h.clock.Advance(30*time.Second - time.Millisecond)
	if got := h.p.breaker.State(); got != StateOpen {
		t.Fatalf("timer did not restart: state %s just before open_ms", got)
	}
	h.clock.Advance(time.Millisecond)
	if got := h.p.breaker.State(); got != StateHalfOpen {
		t.Fatalf("state %s, want half_open", got)
	}
	want := []State{StateOpen, StateHalfOpen, StateOpen, StateHalfOpen}
	if got := h.moves.states(); !slices.Equal(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
}

func TestBreaker_inBandErrorIsSuccess(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	fail := true
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		if fail {
			return evidence.Result{}, clientErr(mcpclient.CodeMalformed)
		}
		return evidence.ErrorResult("file_not_found", "no such file"), nil
	}
	for round := range 3 {
		fail = true
		for range 4 {
			_, _ = h.query(t.Context())
		}
		fail = false
		res, err := h.query(t.Context())
		if err != nil || res.Error == nil {
			t.Fatalf("round %d: in-band error result: %+v, %v", round, res, err)
		}
	}
	if got := h.p.breaker.State(); got != StateClosed {
		t.Fatalf("state %s, want closed: in-band errors must reset the failure count", got)
	}

	// And a probe answered with an in-band error closes a half-open breaker.
	openBreaker(t, h, func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.ErrorResult("file_not_found", "no such file"), nil
	})
	h.clock.Advance(30 * time.Second)
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := h.p.breaker.State(); got != StateClosed {
		t.Fatalf("state %s, want closed", got)
	}
}

func TestBreaker_egressRefusalsDoNotCount(t *testing.T) {
	h := newHarness(t, httpEntry(t, "template"), testEM(), nil)
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeEgressDenied)
	}
	for range 20 {
		if _, err := h.query(t.Context()); code(err) != CodeProviderError {
			t.Fatalf("code %q, want provider_error", code(err))
		}
	}
	if got := h.p.breaker.State(); got != StateClosed {
		t.Fatalf("state %s after egress refusals, want closed", got)
	}

	// In half-open an egress refusal neither reopens nor uses up the probe.
	openBreaker(t, h, func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeEgressDenied)
	})
	h.clock.Advance(30 * time.Second)
	_, _ = h.query(t.Context())
	if got := h.p.breaker.State(); got != StateHalfOpen {
		t.Fatalf("state %s, want half_open", got)
	}
	h.be.call = nil // succeed
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := h.p.breaker.State(); got != StateClosed {
		t.Fatalf("state %s, want closed", got)
	}
}

func TestBreaker_staleOutcomesIgnored(t *testing.T) {
	clock := newFakeClock()
	b := newBreaker(2, time.Second, 1, clock, nil)
	old, _ := b.allow()
	t1, _ := b.allow()
	t2, _ := b.allow()
	b.done(t1, failure)
	b.done(t2, failure)
	if b.State() != StateOpen {
		t.Fatalf("state %s, want open", b.State())
	}
	clock.Advance(time.Second)
	probe, ok := b.allow()
	if !ok || !probe.probe {
		t.Fatal("half-open breaker refused the first probe")
	}
	b.done(old, failure) // admitted while closed: says nothing about now
	if b.State() != StateHalfOpen {
		t.Fatalf("a stale failure moved the breaker to %s", b.State())
	}
	b.done(probe, success)
	if b.State() != StateClosed {
		t.Fatalf("state %s, want closed", b.State())
	}
}
