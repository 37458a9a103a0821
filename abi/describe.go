package abi

import (
	"encoding/json"
	"fmt"
)

// Describe is the module's self-description, returned by [ExportDescribe].
// The module writes it; the host reads it once per load, checks ABI and
// ProviderID against the signed manifest, and serves [Describe.Contract] as
// the provider's capability contract.
type Describe struct {
	ABI          string          `json:"abi"` // must be [Version]
	ProviderID   string          `json:"provider_id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Version      string          `json:"version"`
	ConfigSchema json.RawMessage `json:"config_schema"`
	Checks       []Check         `json:"checks"`
	Notes        []string        `json:"notes"`
}

// Check is one check of a provider, in the reference check-contract shape.
// AllowedComparators must be non-empty and in canonical comparator order.
type Check struct {
	CheckID            string          `json:"check_id"`
	Description        string          `json:"description"`
	Determinism        string          `json:"determinism"` // "deterministic" | "time_dependent" | "external"
	ParamsRequired     bool            `json:"params_required"`
	ParamsSchema       json.RawMessage `json:"params_schema"`
	ResultSchema       json.RawMessage `json:"result_schema"`
	AllowedComparators []string        `json:"allowed_comparators"`
	AnchorTypes        []string        `json:"anchor_types"`
	ContentTypes       []string        `json:"content_types"`
	Examples           json.RawMessage `json:"examples"` // [{description, params, result}]
}

// ProviderContract is the reference capability-contract document. The host
// builds it from a [Describe]; Transport is chosen by the host ("builtin"
// for modules embedded in the server, "mcp" for third-party modules).
type ProviderContract struct {
	ProviderID   string          `json:"provider_id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Transport    string          `json:"transport"`
	ConfigSchema json.RawMessage `json:"config_schema"`
	Checks       []Check         `json:"checks"`
	Notes        []string        `json:"notes"`
}

// Validate checks the fields the host relies on: the ABI version, a
// provider id, and a check id for every check.
func (d *Describe) Validate() error {
	if d.ABI != Version {
		return fmt.Errorf("abi: describe: abi is %q, want %q", d.ABI, Version)
	}
	if d.ProviderID == "" {
		return fmt.Errorf("abi: describe: provider_id is empty")
	}
	for i, c := range d.Checks {
		if c.CheckID == "" {
			return fmt.Errorf("abi: describe: checks[%d].check_id is empty", i)
		}
	}
	return nil
}

// Contract returns the capability contract of the described provider. Absent
// lists become [] and absent schemas {} so that every field is present, as
// in the reference contracts. d is not modified.
func (d *Describe) Contract(transport string) ProviderContract {
	checks := make([]Check, len(d.Checks))
	for i, c := range d.Checks {
		c.ParamsSchema = orDefault(c.ParamsSchema, "{}")
		c.ResultSchema = orDefault(c.ResultSchema, "{}")
		c.Examples = orDefault(c.Examples, "[]")
		c.AllowedComparators = orEmpty(c.AllowedComparators)
		c.AnchorTypes = orEmpty(c.AnchorTypes)
		c.ContentTypes = orEmpty(c.ContentTypes)
		checks[i] = c
	}
	return ProviderContract{
		ProviderID:   d.ProviderID,
		Name:         d.Name,
		Description:  d.Description,
		Transport:    transport,
		ConfigSchema: orDefault(d.ConfigSchema, "{}"),
		Checks:       checks,
		Notes:        orEmpty(d.Notes),
	}
}

func orDefault(raw json.RawMessage, def string) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage(def)
	}
	return raw
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
