package wasm

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// pool keeps up to size warm instances of one module in a buffered channel.
// A caller takes one (waiting up to its deadline), uses it alone, and either
// puts it back or discards it; a discarded instance is replaced by a refill
// goroutine, so the pool returns to full strength after a trap or timeout.
//
// Every refill goroutine is tracked by wg and stops when stop is closed;
// close waits for them.
type pool struct {
	ready     chan *instance
	newInst   func(context.Context) (*instance, error)
	log       *slog.Logger
	refillCtx context.Context // canceled by close; bounds refill instantiation
	cancel    context.CancelFunc
	wg        sync.WaitGroup

	mu     sync.Mutex // guards closed and sends on ready after close
	closed bool
}

// newPool starts a pool of size instances. The first comes from warm
// (already made by the caller) or is made here, so a module that cannot
// instantiate fails to load; the others are warmed in the background, which
// keeps server start-up to one instance per module (a Go guest costs about
// 10 ms to instantiate). Callers that arrive before they are ready wait as
// for any busy pool.
func newPool(ctx context.Context, size int, warm *instance, newInst func(context.Context) (*instance, error), log *slog.Logger) (*pool, error) {
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &pool{ready: make(chan *instance, size), newInst: newInst, log: log, refillCtx: rctx, cancel: cancel}
	if warm == nil {
		in, err := newInst(ctx)
		if err != nil {
			p.close(ctx)
			return nil, err
		}
		warm = in
	}
	p.ready <- warm
	p.mu.Lock()
	for i := 1; i < size; i++ {
		p.wg.Add(1)
		go func() {
			// Let the server finish starting before warming spares.
			select {
			case <-time.After(warmDelay):
			case <-p.refillCtx.Done():
				p.wg.Done()
				return
			}
			p.refill()
		}()
	}
	p.mu.Unlock()
	return p, nil
}

// warmDelay defers warming a pool's spare instances so that they do not
// compete with start-up; a caller that needs one earlier simply waits.
const warmDelay = 250 * time.Millisecond

// poolClosedError is returned by get after close.
type poolClosedError struct{}

func (poolClosedError) Error() string { return "module is closed" }

// get takes a warm instance, waiting until ctx is done.
func (p *pool) get(ctx context.Context) (*instance, error) {
	select {
	case in := <-p.ready:
		return in, nil
	default:
	}
	select {
	case in := <-p.ready:
		return in, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.refillCtx.Done():
		return nil, poolClosedError{}
	}
}

// put returns a healthy instance.
func (p *pool) put(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		in.close(p.refillCtx)
		return
	}
	p.ready <- in // never blocks: at most size instances exist
}

// discard closes a broken (or worn-out) instance and starts a replacement.
func (p *pool) discard(in *instance) {
	in.close(p.refillCtx)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.wg.Add(1)
	go p.refill()
}

// refill instantiates a replacement, retrying with backoff until it
// succeeds or the pool closes.
func (p *pool) refill() {
	defer p.wg.Done()
	backoff := 50 * time.Millisecond
	for {
		in, err := p.newInst(p.refillCtx)
		if err == nil {
			p.put(in)
			return
		}
		p.log.Error("instance refill failed", "error", err, "retry_in_ms", backoff.Milliseconds())
		select {
		case <-p.refillCtx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// close stops refills, waits for them, and closes the idle instances.
// Instances in use are closed when they come back. Idempotent.
func (p *pool) close(ctx context.Context) {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
	for {
		select {
		case in := <-p.ready:
			in.close(ctx)
		default:
			return
		}
	}
}
