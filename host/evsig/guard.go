package evsig

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
)

// Guard returns p with every result it answers checked by [Verify] against
// keys. Results that carry an in-band error are passed through unchecked:
// they hold no value to sign, and they are Unknown anyway.
func Guard(p provider.Provider, keys *KeySet) provider.Provider {
	return &guarded{Provider: p, keys: keys}
}

type guarded struct {
	provider.Provider
	keys *KeySet
}

// IntegrityError is a result that failed signature verification. It is a
// provider error (status Unknown), counted apart from availability
// failures.
type IntegrityError struct {
	Provider string
	Err      error
}

func (e *IntegrityError) Error() string { return fmt.Sprintf("provider %s: %v", e.Provider, e.Err) }
func (e *IntegrityError) Unwrap() error { return e.Err }

func (g *guarded) Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	res, err := g.Provider.Query(ctx, q, ec)
	if err != nil || res.Error != nil {
		return res, err
	}
	if err := Verify(g.keys, &res); err != nil {
		return evidence.Result{}, &IntegrityError{Provider: g.ID(), Err: err}
	}
	return res, nil
}

// Source implements provider.Describer when the wrapped provider does.
func (g *guarded) Source() string {
	if d, ok := g.Provider.(provider.Describer); ok {
		return d.Source()
	}
	if g.Contract().Transport == provider.Builtin {
		return "builtin"
	}
	return "file"
}

// Unwrap returns the wrapped provider.
func (g *guarded) Unwrap() provider.Provider { return g.Provider }
