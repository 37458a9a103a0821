package broker

import (
	"sync"
	"time"
)

// State is a circuit breaker state.
type State string

// The breaker states (design broker.md §4.3.6).
const (
	StateClosed   State = "closed"
	StateOpen     State = "open"
	StateHalfOpen State = "half_open"
)

// outcome is what a finished call means to the breaker.
type outcome int

const (
	// success: the backend answered with a well-formed result, including
	// one that carries an in-band error.
	success outcome = iota
	// failure: a counted failure (transport, timeout, oversize, malformed
	// reply, JSON-RPC error, process exit).
	failure
	// neutral: neither; the caller gave up, or the host refused the call
	// for a reason that is not an outage (egress policy, environment).
	neutral
)

// ticket is a call admitted by the breaker. Its outcome is applied only if
// no transition happened since it was issued.
type ticket struct {
	gen   uint64
	probe bool
}

// breaker is a passive, consecutive-failure circuit breaker:
//
//   - closed → open after threshold consecutive counted failures;
//   - open refuses every call until openFor has passed, then half-open;
//   - half-open admits at most halfOpenMax probes at a time; halfOpenMax
//     successes close it, any failure reopens it and restarts the timer.
//
// Time comes from clock and is read when the breaker is consulted, so
// open → half-open happens on the first look after openFor. A breaker is
// safe for concurrent use.
type breaker struct {
	threshold   int
	openFor     time.Duration
	halfOpenMax int
	clock       Clock
	notify      func(from, to State, at time.Time) // called without mu held

	mu        sync.Mutex
	state     State        // guarded by mu
	gen       uint64       // guarded by mu; bumped on every transition
	failures  int          // guarded by mu; consecutive counted failures while closed
	openedAt  time.Time    // guarded by mu
	probes    int          // guarded by mu; probes in flight while half-open
	successes int          // guarded by mu; probe successes while half-open
	pending   []Transition // guarded by mu; transitions not yet notified
}

func newBreaker(threshold int, openFor time.Duration, halfOpenMax int, clock Clock, notify func(from, to State, at time.Time)) *breaker {
	return &breaker{
		threshold:   max(1, threshold),
		openFor:     openFor,
		halfOpenMax: max(1, halfOpenMax),
		clock:       clock,
		notify:      notify,
		state:       StateClosed,
	}
}

// State returns the current state.
func (b *breaker) State() State {
	b.mu.Lock()
	s := b.currentLocked()
	b.unlockAndNotify()
	return s
}

// peek reports whether a call would be admitted now, without taking a
// probe slot.
func (b *breaker) peek() bool {
	b.mu.Lock()
	ok := b.admitsLocked()
	b.unlockAndNotify()
	return ok
}

// allow admits a call, taking a probe slot when half-open. Every admitted
// ticket must be passed to done exactly once.
func (b *breaker) allow() (ticket, bool) {
	b.mu.Lock()
	defer b.unlockAndNotify()
	if !b.admitsLocked() {
		return ticket{}, false
	}
	t := ticket{gen: b.gen}
	if b.state == StateHalfOpen {
		b.probes++
		t.probe = true
	}
	return t, true
}

// done records the outcome of an admitted call.
func (b *breaker) done(t ticket, o outcome) {
	b.mu.Lock()
	defer b.unlockAndNotify()
	if t.gen != b.gen {
		return // admitted before a transition; its outcome says nothing now
	}
	switch b.state {
	case StateClosed:
		switch o {
		case success:
			b.failures = 0
		case failure:
			b.failures++
			if b.failures >= b.threshold {
				b.setLocked(StateOpen)
			}
		}
	case StateHalfOpen:
		b.probes--
		switch o {
		case success:
			b.successes++
			if b.successes >= b.halfOpenMax {
				b.setLocked(StateClosed)
			}
		case failure:
			b.setLocked(StateOpen)
		}
	}
}

// admitsLocked reports whether a call may go through now.
func (b *breaker) admitsLocked() bool {
	switch b.currentLocked() {
	case StateClosed:
		return true
	case StateHalfOpen:
		return b.probes+b.successes < b.halfOpenMax
	}
	return false
}

// currentLocked moves an open breaker whose open period has passed to
// half-open and returns the state.
func (b *breaker) currentLocked() State {
	if b.state == StateOpen && b.clock.Now().Sub(b.openedAt) >= b.openFor {
		b.setLocked(StateHalfOpen)
	}
	return b.state
}

// setLocked moves to state to and resets the counters of the new state.
func (b *breaker) setLocked(to State) {
	now := b.clock.Now()
	b.pending = append(b.pending, Transition{From: b.state, To: to, At: now})
	b.state = to
	b.gen++
	b.failures, b.probes, b.successes = 0, 0, 0
	if to == StateOpen {
		b.openedAt = now
	}
}

// unlockAndNotify releases mu, then reports the pending transitions.
func (b *breaker) unlockAndNotify() {
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	if b.notify == nil {
		return
	}
	for _, t := range pending {
		b.notify(t.From, t.To, t.At)
	}
}
