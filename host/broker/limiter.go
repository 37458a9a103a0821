package broker

import (
	"context"
	"errors"
	"sync"
)

// errBusy is returned by limiter.acquire when every slot and every queue
// place is taken.
var errBusy = errors.New("backend busy")

// limiter bounds the calls of one backend: at most cap(slots) in flight
// and at most maxQueue waiting for a slot. A caller that finds both full
// is refused at once, so a slow backend cannot hold more than
// cap(slots)+maxQueue of the server's requests. It is safe for concurrent
// use.
type limiter struct {
	slots    chan struct{}
	maxQueue int

	mu      sync.Mutex
	waiting int // guarded by mu
}

func newLimiter(concurrency, maxQueue int) *limiter {
	return &limiter{slots: make(chan struct{}, max(1, concurrency)), maxQueue: max(0, maxQueue)}
}

// acquire takes a slot, waiting in the queue if there is room there. It
// returns the function that gives the slot back, errBusy, or ctx's error
// when ctx ends while waiting.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, nil
	default:
	}
	l.mu.Lock()
	if l.waiting >= l.maxQueue {
		l.mu.Unlock()
		return nil, errBusy
	}
	l.waiting++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
	}()
	select {
	case l.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// load returns the calls in flight and the callers waiting.
func (l *limiter) load() (inFlight, queued int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.slots), l.waiting
}
