package mcp

import (
	"sync"
	"time"
)

// Inflight is a try-acquire semaphore bounding concurrent requests.
type Inflight struct{ ch chan struct{} }

// NewInflight returns a semaphore of n permits (n ≤ 0 means unlimited).
func NewInflight(n int) *Inflight {
	if n <= 0 {
		return &Inflight{}
	}
	return &Inflight{ch: make(chan struct{}, n)}
}

// TryAcquire takes a permit without waiting.
func (s *Inflight) TryAcquire() bool {
	if s == nil || s.ch == nil {
		return true
	}
	select {
	case s.ch <- struct{}{}:
		return true
	default:
		return false
	}
}

// Release returns a permit.
func (s *Inflight) Release() {
	if s != nil && s.ch != nil {
		<-s.ch
	}
}

// RateLimiter is a fixed-window limiter per key with a bounded key table.
type RateLimiter struct {
	max        int
	window     time.Duration
	maxEntries int
	now        func() time.Time

	mu      sync.Mutex // guards entries
	entries map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	count int
	last  time.Time
}

// NewRateLimiter allows max requests per window per key, tracking at most
// maxEntries keys. now may be nil (time.Now).
func NewRateLimiter(max int, window time.Duration, maxEntries int, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{max: max, window: window, maxEntries: maxEntries, now: now, entries: map[string]*rateWindow{}}
}

// Allow counts a request for key. It returns ok, or the milliseconds until
// the window resets, or full when the key table is full.
func (l *RateLimiter) Allow(key string) (ok bool, retryAfterMS int64, full bool) {
	if l == nil {
		return true, 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w, exists := l.entries[key]
	if !exists {
		if len(l.entries) >= l.maxEntries {
			l.evictLocked(now)
		}
		if len(l.entries) >= l.maxEntries {
			return false, 0, true
		}
		w = &rateWindow{start: now}
		l.entries[key] = w
	}
	if now.Sub(w.start) >= l.window {
		w.start, w.count = now, 0
	}
	w.last = now
	if w.count >= l.max {
		rem := l.window - now.Sub(w.start)
		return false, max(rem.Milliseconds(), 1), false
	}
	w.count++
	return true, 0, false
}

// evictLocked drops keys idle for more than two windows.
func (l *RateLimiter) evictLocked(now time.Time) {
	for k, w := range l.entries {
		if now.Sub(w.last) > 2*l.window {
			delete(l.entries, k)
		}
	}
}
