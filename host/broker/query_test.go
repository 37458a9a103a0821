package broker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/evidence"
)

func TestQuery_backendBusy(t *testing.T) {
	entry := stdioEntry(t, "template") // stdio: max_concurrency is 1
	entry.MaxQueue = 1
	h := newHarness(t, entry, testEM(), nil)
	release := make(chan struct{})
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		<-release
		return okResult(), nil
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { _, errs[0] = h.query(t.Context()) })
	waitFor(t, "the first call to reach the backend", func() bool { return h.be.calls.Load() == 1 })
	wg.Go(func() { _, errs[1] = h.query(t.Context()) })
	waitFor(t, "the second call to queue", func() bool { _, q := h.p.limiter.load(); return q == 1 })

	start := time.Now()
	_, err := h.query(t.Context())
	if code(err) != CodeBackendBusy {
		t.Fatalf("third caller: code %q, want backend_busy (%v)", code(err), err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("backend_busy took %v; it must be immediate", d)
	}
	if hl := h.p.Health(); hl.InFlight != 1 || hl.Queued != 1 {
		t.Fatalf("health in_flight %d queued %d, want 1 and 1", hl.InFlight, hl.Queued)
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i+1, err)
		}
	}
	if got := h.p.breaker.State(); got != StateClosed {
		t.Fatalf("backend_busy moved the breaker to %s", got)
	}
}

func TestQuery_queueWaitRespectsContext(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	release := make(chan struct{})
	defer close(release)
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		<-release
		return okResult(), nil
	}
	go func() { _, _ = h.query(t.Context()) }()
	waitFor(t, "the first call to reach the backend", func() bool { return h.be.calls.Load() == 1 })
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.query(ctx); code(err) != CodeTimeout {
		t.Fatalf("queued caller whose deadline passed: code %q, want timeout (%v)", code(err), err)
	}
}

func TestQuery_timeout(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  func(ctx context.Context) error
	}{
		{"context error", func(ctx context.Context) error { return ctx.Err() }},
		{"client timeout", func(context.Context) error { return clientErr(mcpclient.CodeTimeout) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entry := stdioEntry(t, "template")
			entry.Timeouts.RequestTimeoutMS = 100
			h := newHarness(t, entry, testEM(), nil)
			h.be.call = func(ctx context.Context, _ evidence.Query, _ evidence.Context) (evidence.Result, error) {
				<-ctx.Done()
				return evidence.Result{}, tc.err(ctx)
			}
			start := time.Now()
			res, err := h.query(t.Context())
			elapsed := time.Since(start)
			if code(err) != CodeTimeout {
				t.Fatalf("code %q, want timeout (%v)", code(err), err)
			}
			if res.Value != nil || res.Error != nil {
				t.Fatalf("a timed-out call returned a result: %+v", res)
			}
			if elapsed < 100*time.Millisecond || elapsed > 100*time.Millisecond+time.Second {
				t.Fatalf("returned after %v, want request_timeout_ms (100 ms) + ε", elapsed)
			}
			if h.p.breaker.failures != 1 {
				t.Fatalf("timeout not counted: failures = %d", h.p.breaker.failures)
			}
		})
	}
}

func TestQuery_clientErrorsPassThrough(t *testing.T) {
	for _, tc := range []struct {
		code mcpclient.Code
		want string
	}{
		{mcpclient.CodeTimeout, CodeTimeout},
		{mcpclient.CodeTransport, CodeProviderError},
		{mcpclient.CodeOversize, CodeProviderError},
		{mcpclient.CodeRPCError, CodeProviderError},
		{mcpclient.CodeHTTPStatus, CodeProviderError},
	} {
		t.Run(string(tc.code), func(t *testing.T) {
			h := newHarness(t, httpEntry(t, "template"), testEM(), nil)
			h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
				return okResult(), clientErr(tc.code) // a value next to an error must be dropped
			}
			res, err := h.query(t.Context())
			if code(err) != tc.want {
				t.Fatalf("code %q, want %q", code(err), tc.want)
			}
			var ce *mcpclient.Error
			if !errors.As(err, &ce) || ce.Code != tc.code {
				t.Fatalf("client error not in the chain: %v", err)
			}
			if res.Value != nil {
				t.Fatal("a failed call returned a value")
			}
		})
	}
}

func TestQuery_unknownErrorCounts(t *testing.T) {
	h := newHarness(t, httpEntry(t, "template"), testEM(), nil)
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, errors.New("boom")
	}
	_, err := h.query(t.Context())
	if code(err) != CodeProviderError {
		t.Fatalf("code %q, want provider_error", code(err))
	}
	if h.p.breaker.failures != 1 {
		t.Fatalf("failures = %d, want 1", h.p.breaker.failures)
	}
}

func TestQuery_abandonedCallNotCounted(t *testing.T) {
	h := newHarness(t, httpEntry(t, "template"), testEM(), nil)
	h.be.call = func(ctx context.Context, _ evidence.Query, _ evidence.Context) (evidence.Result, error) {
		<-ctx.Done()
		return evidence.Result{}, clientErr(mcpclient.CodeTimeout)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for h.be.calls.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, err := h.query(ctx); err == nil {
		t.Fatal("cancelled call succeeded")
	}
	if h.p.breaker.failures != 0 {
		t.Fatalf("an abandoned call was counted: failures = %d", h.p.breaker.failures)
	}
}

func TestQuery_notAdmitted(t *testing.T) {
	entry := stdioEntry(t, "template")
	entry.Preflight.Required = true
	h := newHarness(t, entry, testEM(), nil)
	res, err := h.query(t.Context())
	if code(err) != CodeProviderUnavailable {
		t.Fatalf("code %q, want provider_unavailable", code(err))
	}
	if res.Value != nil || h.dial.count() != 0 || h.be.calls.Load() != 0 {
		t.Fatal("an unadmitted provider made traffic or returned a value")
	}
}

func TestQuery_closed(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := h.p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.p.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if h.be.closes.Load() != 1 {
		t.Fatalf("backend closed %d times, want 1", h.be.closes.Load())
	}
	if _, err := h.query(t.Context()); code(err) != CodeProviderUnavailable {
		t.Fatalf("code %q, want provider_unavailable", code(err))
	}
}

func TestQuery_stdioReconnectsAfterFailure(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	for range 3 {
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if h.dial.count() != 1 || h.be.handshakes.Load() != 1 {
		t.Fatalf("dials %d handshakes %d, want one connection for three calls", h.dial.count(), h.be.handshakes.Load())
	}
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeProcessExited)
	}
	_, _ = h.query(t.Context())
	if h.be.closes.Load() != 1 {
		t.Fatal("the failed child was not closed")
	}
	h.be.call = nil
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}
	if h.dial.count() != 2 {
		t.Fatalf("dials %d, want a new connection after the failure", h.dial.count())
	}
}

func TestQuery_handshakeFailureCounts(t *testing.T) {
	entry := stdioEntry(t, "template")
	entry.Timeouts.StartupTimeoutMS = 50
	h := newHarness(t, entry, testEM(), nil)
	h.be.handshake = func(ctx context.Context) (mcpclient.Info, error) {
		<-ctx.Done()
		return mcpclient.Info{}, ctx.Err()
	}
	_, err := h.query(t.Context())
	if code(err) != CodeTimeout {
		t.Fatalf("code %q, want timeout (%v)", code(err), err)
	}
	if h.be.calls.Load() != 0 || h.p.breaker.failures != 1 {
		t.Fatalf("calls %d failures %d, want 0 and 1", h.be.calls.Load(), h.p.breaker.failures)
	}
}
