package engine

import (
	"context"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// EvidenceSource answers evidence queries. A returned error means the
// provider failed; the engine records it as a provider_error with status
// Unknown. Implementations must be safe for concurrent use.
type EvidenceSource interface {
	// Has reports whether a provider is registered.
	Has(providerID string) bool
	// Query runs one check.
	Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error)
}

// Version is a run's optimistic-concurrency version; 0 means "not stored".
type Version uint64

// RunStore persists run state. Implementations classify their own errors
// with host/errcode (NotFound, AlreadyExists, Conflict, DataLoss,
// Unavailable).
type RunStore interface {
	// Load returns the run and its version, or an error coded NotFound.
	Load(ctx context.Context, key scenario.RunKey) (*scenario.RunState, Version, error)
	// Create stores a new run; AlreadyExists if the key is taken.
	Create(ctx context.Context, st *scenario.RunState) (Version, error)
	// Save stores st over version prev; Conflict if the stored version is
	// not prev. When Save returns nil the state is durable.
	Save(ctx context.Context, st *scenario.RunState, prev Version) (Version, error)
}

// CachedRunStore is a [RunStore] that remembers the last version of a run
// it read or wrote and can hand it out without asking its backend whether
// it is still the latest.
//
// The engine uses it for calls that save: such a call needs the latest
// version, and the save itself proves it had it (a save over a version that
// is no longer the latest fails with Conflict). A call whose cached state
// was not confirmed by a successful save is discarded, whatever it
// answered, and runs again from [RunStore.Load]. On a database shared by
// several servers, this saves each decision a read of the run.
type CachedRunStore interface {
	RunStore
	// LoadCached returns a private copy of the cached state of a run and
	// its version, or ok false when nothing is cached for it. It does no
	// I/O; the state may be older than the stored one.
	LoadCached(key scenario.RunKey) (st *scenario.RunState, v Version, ok bool)
}

// DispatchPolicy decides whether a packet may be disclosed to a dispatch
// target. Deny fails the disclosure with "policy denied disclosure"; an
// error fails it with "policy decision error: <msg>".
type DispatchPolicy interface {
	Authorize(ctx context.Context, req DispatchRequest) (bool, error)
}

// DispatchRequest is what a dispatch policy decides on.
type DispatchRequest struct {
	ScenarioID string
	StageID    string
	Envelope   *scenario.PacketEnvelope
	Target     scenario.DispatchTarget
}

// PermitAll is the default dispatch policy.
type PermitAll struct{}

// Authorize always permits.
func (PermitAll) Authorize(context.Context, DispatchRequest) (bool, error) { return true, nil }

// DenyAll denies every disclosure.
type DenyAll struct{}

// Authorize always denies.
func (DenyAll) Authorize(context.Context, DispatchRequest) (bool, error) { return false, nil }
