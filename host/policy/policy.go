package policy

import (
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
)

// PermitAll permits every disclosure; it is the default engine.
type PermitAll = engine.PermitAll

// DenyAll denies every disclosure.
type DenyAll = engine.DenyAll

// Engine names a dispatch policy engine (the policy.engine setting).
type Engine string

// The engines.
const (
	EnginePermitAll Engine = "permit_all"
	EngineDenyAll   Engine = "deny_all"
	EngineStatic    Engine = "static"
)

// New returns the dispatch policy named by e. The static engine requires
// static, which is validated as by [NewStatic]; the other engines forbid it.
// An empty name means permit_all.
//
// # Errors
//
// InvalidArgument: an unknown engine, a missing or forbidden static table,
// or any [NewStatic] error.
func New(e Engine, static *Static) (engine.DispatchPolicy, error) {
	switch e {
	case "", EnginePermitAll, EngineDenyAll:
		if static != nil {
			return nil, errcode.New(errcode.InvalidArgument, "policy: static rules are allowed only with engine %q", string(EngineStatic))
		}
		if e == EngineDenyAll {
			return DenyAll{}, nil
		}
		return PermitAll{}, nil
	case EngineStatic:
		if static == nil {
			return nil, errcode.New(errcode.InvalidArgument, "policy: engine %q requires static rules", string(EngineStatic))
		}
		st, err := NewStatic(*static)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	return nil, errcode.New(errcode.InvalidArgument, "policy: unknown engine %q, expected permit_all, deny_all or static", string(e))
}
