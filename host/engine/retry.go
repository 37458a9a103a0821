package engine

import (
	"context"
	"errors"

	"github.com/decision-gate/dgw/host/scenario"
)

// MaxConflictRetries bounds how many times one call is re-run after its
// save lost a race with another engine on the same run.
//
// # Why retry inside the engine?
//
// Within one process the per-run lock serialises calls, so a save never
// conflicts. Engines in different processes sharing one database (server
// replicas behind a load balancer) have no common lock: each loads the
// run, decides and saves over the version it loaded, and the store's
// optimistic version check lets exactly one of two racing saves through
// (the other gets errcode.Conflict). The loser's decision was made from a
// state that no longer exists, so it is discarded and the whole call runs
// again from a fresh load: if the winner decided the same trigger id, the
// re-run finds that decision and replays it, so both replicas answer with
// the one decision that was stored; otherwise the trigger is evaluated
// anew on top of the winner's state.
//
// Re-running is safe because a call that fails leaves nothing behind: the
// in-memory state is rolled back and nothing reached the store. Each round
// of a race has a winner, so a bounded number of retries suffices in
// practice; a call that still loses after MaxConflictRetries reports
// errcode.Conflict, which clients treat as retryable. A first attempt
// made on a cached state (see [CachedRunStore]) does not count: its
// conflict only shows that the cache was behind. No delay is added
// between attempts: the engine reads no clock, and the loser's reload
// already waits for the winner's commit.
const MaxConflictRetries = 16

// saveConflictError marks a save that failed because the run changed since
// it was loaded. Other Conflict errors (a reused submission id) are final
// and never retried.
type saveConflictError struct{ err error }

func (e *saveConflictError) Error() string { return e.err.Error() }
func (e *saveConflictError) Unwrap() error { return e.err }

// attempt is one run of a call that saves: how it reads the run, and
// whether the state it read is known to be the latest.
type attempt struct {
	// fresh makes loadRun read from the store's backend, never its cache.
	fresh bool
	// unconfirmed is set while the attempt works on a cached state that no
	// successful save has shown to be the latest.
	unconfirmed bool
}

// loadRun reads the run for a call that saves: the store's cached state
// when it has one and the attempt is not fresh, otherwise a Load.
func (e *Engine) loadRun(ctx context.Context, key scenario.RunKey, a *attempt) (*scenario.RunState, Version, error) {
	if cs, ok := e.store.(CachedRunStore); ok && !a.fresh {
		if st, v, ok := cs.LoadCached(key); ok {
			a.unconfirmed = true
			return st, v, nil
		}
	}
	return e.store.Load(ctx, key)
}

// saveRun saves st over ver. Success confirms that ver was the latest
// version, so a cached state the attempt started from was current.
func (e *Engine) saveRun(ctx context.Context, st *scenario.RunState, ver Version, a *attempt) error {
	if _, err := e.store.Save(ctx, st, ver); err != nil {
		return storeErr(err)
	}
	a.unconfirmed = false
	return nil
}

// retryConflicts runs call, and runs it again from a fresh load
//
//   - once, when it worked on a cached state that no save confirmed (see
//     [CachedRunStore]): its answer, success or error, may come from a
//     version that is no longer the latest, and it left nothing behind
//     (an error is returned as it is once ctx is done);
//   - while it fails with a save conflict, up to MaxConflictRetries times
//     or until ctx is done.
func retryConflicts[T any](ctx context.Context, e *Engine, call func(*attempt) (T, error)) (T, error) {
	a := &attempt{}
	for conflicts := 0; ; {
		res, err := call(a)
		if a.unconfirmed && (err == nil || ctx.Err() == nil) {
			e.opts.Logger.Debug("cached run state not confirmed by a save, loading it", "err", err)
			a = &attempt{fresh: true}
			continue
		}
		var sc *saveConflictError
		if err == nil || !errors.As(err, &sc) || conflicts >= MaxConflictRetries || ctx.Err() != nil {
			return res, err
		}
		conflicts++
		e.opts.Logger.Debug("run state changed concurrently, retrying", "attempt", conflicts, "err", err)
		a = &attempt{fresh: true}
	}
}
