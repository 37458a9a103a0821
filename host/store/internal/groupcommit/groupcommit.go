package groupcommit

import (
	"context"
	"errors"
	"sync"

	"github.com/decision-gate/dgw/host/errcode"
)

// Txn runs fn in one read-write transaction and commits it, durably, when
// fn returns nil; otherwise it rolls back and returns fn's error. ctx
// carries the values of the writer that leads the group but is never
// canceled: a shared transaction must not die with one of its writers.
type Txn[Tx any] func(ctx context.Context, fn func(tx Tx) error) error

// Group batches writes into shared transactions. The zero value is not
// usable; build one with [New].
type Group[Tx any] struct {
	txn Txn[Tx]

	mu      sync.Mutex // guards busy and pending
	busy    bool       // a leader is committing
	pending []*op[Tx]  // writes waiting for the next group
}

type op[Tx any] struct {
	ctx  context.Context
	fn   func(Tx) error
	err  error
	wake chan bool // true: lead the next group; false: done
}

// New returns a group over txn.
func New[Tx any](txn Txn[Tx]) *Group[Tx] { return &Group[Tx]{txn: txn} }

// Do runs fn in a shared transaction and returns when that transaction has
// committed (or fn's expected outcome is known). A canceled ctx before the
// write runs is errcode.Canceled or errcode.DeadlineExceeded and writes
// nothing; once queued, Do waits for its group rather than abandon a
// write that may commit.
func (g *Group[Tx]) Do(ctx context.Context, fn func(tx Tx) error) error {
	if err := ctx.Err(); err != nil {
		return errcode.Wrap(errcode.Of(err), "", err)
	}
	o := &op[Tx]{ctx: ctx, fn: fn, wake: make(chan bool, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, o)
	if g.busy {
		g.mu.Unlock()
		if lead := <-o.wake; !lead {
			return o.err
		}
		g.mu.Lock()
	}
	g.busy = true
	batch := g.pending
	g.pending = nil
	g.mu.Unlock()

	g.commit(context.WithoutCancel(ctx), batch)

	g.mu.Lock()
	if len(g.pending) > 0 {
		next := g.pending[0]
		g.mu.Unlock()
		next.wake <- true
	} else {
		g.busy = false
		g.mu.Unlock()
	}
	return o.err
}

// commit runs a group in one transaction, or each write alone when the
// shared transaction failed, and wakes every waiter but the leader (which
// is in the batch and reads its own result).
func (g *Group[Tx]) commit(ctx context.Context, batch []*op[Tx]) {
	err := g.txn(ctx, func(tx Tx) error {
		for _, o := range batch {
			o.err = apply(tx, o)
			if o.err != nil && !expected(o.err) {
				return o.err
			}
		}
		return nil
	})
	if err != nil {
		if len(batch) == 1 {
			batch[0].err = err
		} else {
			for _, o := range batch {
				o.err = g.txn(ctx, func(tx Tx) error { return apply(tx, o) })
			}
		}
	}
	// The leader is the waiter whose wake channel nobody reads; sending
	// into the buffered channel is harmless.
	for _, o := range batch {
		o.wake <- false
	}
}

func apply[Tx any](tx Tx, o *op[Tx]) error {
	if err := o.ctx.Err(); err != nil {
		return errcode.Wrap(errcode.Of(err), "", err)
	}
	return o.fn(tx)
}

// expected reports an outcome a write function chose to return (a coded
// error) rather than a failure of the transaction.
func expected(err error) bool {
	var ce *errcode.Error
	return errors.As(err, &ce)
}
