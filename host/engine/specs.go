package engine

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
)

// SpecStore persists defined scenario specs, so that runs resume after a
// restart without re-defining their scenarios and several engines sharing
// one database see each other's definitions. Implementations classify
// their errors with host/errcode and must be safe for concurrent use.
type SpecStore interface {
	// PutSpec stores a spec that passed validation. It fails with
	// AlreadyExists when the scenario id is taken. When it returns nil the
	// spec is durable.
	PutSpec(ctx context.Context, spec *scenario.Spec) error
	// GetSpec returns a stored spec, or an error coded NotFound.
	GetSpec(ctx context.Context, scenarioID string) (*scenario.Spec, error)
	// SpecIDs returns every stored scenario id.
	SpecIDs(ctx context.Context) ([]string, error)
}

// Restore loads every spec in Options.Specs that this engine does not hold
// yet, so runs of scenarios defined before a restart (or by another engine
// on the same database) can continue. Stored specs are compiled but do not
// run Options.DefineCheck again: they passed it when they were defined.
// Without Options.Specs, Restore does nothing.
//
// # Errors
//
// Whatever the spec store returns (Unavailable, DataLoss, …); DataLoss for a
// stored spec that no longer compiles.
func (e *Engine) Restore(ctx context.Context) error {
	if e.opts.Specs == nil {
		return nil
	}
	ids, err := e.opts.Specs.SpecIDs(ctx)
	if err != nil {
		return specStoreErr("list", err)
	}
	n := 0
	for _, id := range ids {
		if _, ok := e.cached(id); ok {
			continue
		}
		if _, err := e.fetch(ctx, id); err != nil {
			return err
		}
		n++
	}
	if n > 0 {
		e.opts.Logger.Info("scenario specs restored", "count", n, "stored", len(ids))
	}
	return nil
}

// persist stores a spec being defined. A spec that cannot be stored is not
// defined.
func (e *Engine) persist(ctx context.Context, spec *scenario.Spec) error {
	if e.opts.Specs == nil {
		return nil
	}
	err := e.opts.Specs.PutSpec(ctx, spec)
	switch errcode.Of(err) {
	case "":
		return nil
	case errcode.AlreadyExists:
		return errcode.New(errcode.AlreadyExists, "scenario already defined")
	}
	return specStoreErr("put", err)
}

// fetch loads, compiles and caches one stored spec. It returns NotFound
// when the store does not hold it.
func (e *Engine) fetch(ctx context.Context, scenarioID string) (*compiled, error) {
	spec, err := e.opts.Specs.GetSpec(ctx, scenarioID)
	if err != nil {
		if errcode.Of(err) == errcode.NotFound {
			return nil, err
		}
		return nil, specStoreErr("get", err)
	}
	if spec.ScenarioID != scenarioID {
		return nil, errcode.New(errcode.DataLoss, "scenario store returned %q for %q", spec.ScenarioID, scenarioID)
	}
	c, err := Compile(spec)
	if err != nil {
		// Coded here, over the compile error's own code: the stored bytes
		// passed their checksum, yet are not a spec this build accepts.
		return nil, &errcode.Error{Code: errcode.DataLoss, Err: fmt.Errorf("stored scenario %s no longer compiles: %w", scenarioID, err)}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if prev, ok := e.specs[scenarioID]; ok {
		return prev, nil
	}
	e.specs[scenarioID] = c
	return c, nil
}

// lookupStored is the lookup of a spec this engine does not hold: it asks
// the spec store, under Options.BaseContext, and logs failures other than
// "not stored". Without a spec store or base context it finds nothing.
func (e *Engine) lookupStored(scenarioID string) (*compiled, bool) {
	if e.opts.Specs == nil || e.opts.BaseContext == nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(e.opts.BaseContext(), e.opts.SpecLookupTimeout)
	defer cancel()
	c, err := e.fetch(ctx, scenarioID)
	if err != nil {
		if errcode.Of(err) != errcode.NotFound {
			e.opts.Logger.Warn("scenario store lookup failed", "scenario_id", scenarioID, "code", string(errcode.Of(err)), "err", err)
		}
		return nil, false
	}
	return c, true
}

// refreshStored loads specs stored by other engines before a listing.
func (e *Engine) refreshStored() {
	if e.opts.Specs == nil || e.opts.BaseContext == nil {
		return
	}
	ctx, cancel := context.WithTimeout(e.opts.BaseContext(), e.opts.SpecLookupTimeout)
	defer cancel()
	if err := e.Restore(ctx); err != nil {
		e.opts.Logger.Warn("scenario store refresh failed", "code", string(errcode.Of(err)), "err", err)
	}
}

func specStoreErr(op string, err error) error {
	code := errcode.Of(err)
	if code == errcode.Internal {
		code = errcode.Unavailable
	}
	return errcode.Wrap(code, "", fmt.Errorf("scenario store %s error: %w", op, err))
}
