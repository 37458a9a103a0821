package engine

import (
	"context"
	"errors"
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
// errcode.Conflict, which clients treat as retryable. No delay is added
// between attempts: the engine reads no clock, and the loser's reload
// already waits for the winner's commit.
const MaxConflictRetries = 16

// saveConflictError marks a save that failed because the run changed since
// it was loaded. Other Conflict errors (a reused submission id) are final
// and never retried.
type saveConflictError struct{ err error }

func (e *saveConflictError) Error() string { return e.err.Error() }
func (e *saveConflictError) Unwrap() error { return e.err }

// retryConflicts runs call, and runs it again while it fails with a save
// conflict, up to MaxConflictRetries more times or until ctx is done.
func retryConflicts[T any](ctx context.Context, e *Engine, call func() (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		res, err := call()
		var sc *saveConflictError
		if err == nil || !errors.As(err, &sc) || attempt >= MaxConflictRetries || ctx.Err() != nil {
			return res, err
		}
		e.opts.Logger.Debug("run state changed concurrently, retrying", "attempt", attempt+1, "err", err)
	}
}
