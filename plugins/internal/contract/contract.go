// Package contract turns a built-in provider's reference capability contract
// into the [sdk.Provider] the module registers.
//
// The four built-in providers must serve their contracts byte for byte as
// the reference publishes them (the served contract hash is compared with
// the reference's), so each plugin embeds its entry of the reference
// providers.json and derives its self-description from it instead of
// restating schemas, comparators and examples in Go.
package contract

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/sdk"
)

// RunFunc is the Run function of one check.
type RunFunc = func(c *sdk.Call) (*sdk.Result, error)

type entry struct {
	ProviderID   string          `json:"provider_id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Transport    string          `json:"transport"`
	ConfigSchema json.RawMessage `json:"config_schema"`
	Notes        []string        `json:"notes"`
	Checks       []struct {
		CheckID            string          `json:"check_id"`
		Description        string          `json:"description"`
		Determinism        string          `json:"determinism"`
		ParamsRequired     bool            `json:"params_required"`
		ParamsSchema       json.RawMessage `json:"params_schema"`
		ResultSchema       json.RawMessage `json:"result_schema"`
		AllowedComparators []string        `json:"allowed_comparators"`
		AnchorTypes        []string        `json:"anchor_types"`
		ContentTypes       []string        `json:"content_types"`
		Examples           json.RawMessage `json:"examples"`
	} `json:"checks"`
}

// Provider builds the provider described by raw, a single entry of the
// reference providers.json, with the given module version. runs maps every
// check ID of the contract to its Run function.
//
// Provider panics when raw is not a contract entry or when runs does not
// cover exactly the contract's checks: the contract is embedded at build
// time, so either is a programming error that must stop the module at
// start-up.
func Provider(raw []byte, version string, runs map[string]RunFunc) sdk.Provider {
	var e entry
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		panic(fmt.Sprintf("contract: decode embedded contract: %v", err))
	}
	if e.ProviderID == "" || e.Transport != "builtin" {
		panic(fmt.Sprintf("contract: embedded contract %q is not a built-in provider contract", e.ProviderID))
	}
	p := sdk.Provider{
		ID:           e.ProviderID,
		Name:         e.Name,
		Description:  e.Description,
		Version:      version,
		ConfigSchema: e.ConfigSchema,
		Notes:        e.Notes,
	}
	for _, c := range e.Checks {
		run, ok := runs[c.CheckID]
		if !ok {
			panic(fmt.Sprintf("contract: %s: check %s has no Run function", e.ProviderID, c.CheckID))
		}
		p.Checks = append(p.Checks, sdk.Check{
			ID:                 c.CheckID,
			Description:        c.Description,
			Determinism:        c.Determinism,
			ParamsRequired:     c.ParamsRequired,
			ParamsSchema:       c.ParamsSchema,
			ResultSchema:       c.ResultSchema,
			AllowedComparators: c.AllowedComparators,
			AnchorTypes:        c.AnchorTypes,
			ContentTypes:       c.ContentTypes,
			Examples:           c.Examples,
			Run:                run,
		})
	}
	if len(p.Checks) != len(runs) {
		panic(fmt.Sprintf("contract: %s: Run functions given for checks the contract does not have", e.ProviderID))
	}
	return p
}
