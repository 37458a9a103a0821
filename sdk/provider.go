package sdk

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Provider describes a provider module. Register it once from init().
type Provider struct {
	ID           string          // "env", "acme.junit"; must equal the manifest name
	Name         string          // human name, e.g. "Environment Provider"
	Description  string          // one sentence
	Version      string          // module version, e.g. "0.1.0"
	ConfigSchema json.RawMessage // JSON Schema of the operator config block; nil → {}
	Notes        []string        // free-form notes shown in the contract
	Checks       []Check         // at least one
}

// Check is one check of the provider's capability contract.
type Check struct {
	ID                 string
	Description        string
	Determinism        string          // "deterministic" | "time_dependent" | "external"
	ParamsRequired     bool            // the check refuses absent params
	ParamsSchema       json.RawMessage // JSON Schema (draft 2020-12); nil → {}
	ResultSchema       json.RawMessage // JSON Schema of the result value; nil → {}
	AllowedComparators []string        // canonical order, non-empty
	AnchorTypes        []string
	ContentTypes       []string
	Examples           json.RawMessage // [{description, params, result}]; nil → []
	Run                func(c *Call) (*Result, error)
}

var (
	regMu      sync.RWMutex
	registered *Provider // guarded by regMu
)

// Register installs the provider this module serves. Call it once, from
// init(): the Wasm reactor runs package initialisers but never main.
//
// Register panics on a second call, an empty ID, a check without an ID or a
// Run function, a duplicate check ID, or an invalid JSON schema literal:
// these are programming errors that must stop the module at start-up.
func Register(p Provider) {
	if err := validate(&p); err != nil {
		panic("sdk: Register: " + err.Error())
	}
	regMu.Lock()
	defer regMu.Unlock()
	if registered != nil {
		panic("sdk: Register called twice (already registered " + registered.ID + ")")
	}
	registered = &p
}

func validate(p *Provider) error {
	if p.ID == "" {
		return fmt.Errorf("provider ID is empty")
	}
	if !validJSON(p.ConfigSchema) {
		return fmt.Errorf("provider %s: ConfigSchema is not valid JSON", p.ID)
	}
	if len(p.Checks) == 0 {
		return fmt.Errorf("provider %s has no checks", p.ID)
	}
	seen := make(map[string]bool, len(p.Checks))
	for i, c := range p.Checks {
		switch {
		case c.ID == "":
			return fmt.Errorf("provider %s: Checks[%d] has no ID", p.ID, i)
		case seen[c.ID]:
			return fmt.Errorf("provider %s: duplicate check %s", p.ID, c.ID)
		case c.Run == nil:
			return fmt.Errorf("provider %s: check %s has no Run", p.ID, c.ID)
		case !validJSON(c.ParamsSchema) || !validJSON(c.ResultSchema) || !validJSON(c.Examples):
			return fmt.Errorf("provider %s: check %s has a schema or examples that are not valid JSON", p.ID, c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

func validJSON(raw json.RawMessage) bool { return raw == nil || json.Valid(raw) }

// current returns the registered provider, or nil.
func current() *Provider {
	regMu.RLock()
	defer regMu.RUnlock()
	return registered
}

func (p *Provider) check(id string) *Check {
	for i := range p.Checks {
		if p.Checks[i].ID == id {
			return &p.Checks[i]
		}
	}
	return nil
}
