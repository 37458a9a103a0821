package provider

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// MaxContractBytes caps a capability contract's canonical size.
const MaxContractBytes = 1 << 20

// Determinism classifies a check.
type Determinism string

// The determinism classes.
const (
	Deterministic Determinism = "deterministic"
	TimeDependent Determinism = "time_dependent"
	External      Determinism = "external"
)

// CheckContract describes one check of a provider.
type CheckContract struct {
	CheckID            string                `json:"check_id"`
	Description        string                `json:"description"`
	Determinism        Determinism           `json:"determinism"`
	ParamsRequired     bool                  `json:"params_required"`
	ParamsSchema       json.RawMessage       `json:"params_schema"`
	ResultSchema       json.RawMessage       `json:"result_schema"`
	AllowedComparators []evidence.Comparator `json:"allowed_comparators"`
	AnchorTypes        []string              `json:"anchor_types"`
	ContentTypes       []string              `json:"content_types"`
	Examples           json.RawMessage       `json:"examples"`
}

// Allows reports whether the check's contract allows comparator c.
func (c *CheckContract) Allows(cmp evidence.Comparator) bool {
	for _, a := range c.AllowedComparators {
		if a == cmp {
			return true
		}
	}
	return false
}

// Contract is a provider's capability contract. It keeps the exact canonical
// bytes it was parsed from, so that the served contract and its hash are
// those of the source document.
type Contract struct {
	ProviderID   string          `json:"provider_id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Transport    Transport       `json:"transport"`
	ConfigSchema json.RawMessage `json:"config_schema"`
	Checks       []CheckContract `json:"checks"`
	Notes        []string        `json:"notes"`

	canonical []byte
	hash      evidence.HashDigest
}

// ParseContract decodes and checks a contract document: the provider id must
// be set, check ids unique, comparator lists non-empty and in canonical
// order, and the canonical size at most [MaxContractBytes].
func ParseContract(doc []byte) (*Contract, error) {
	canon, err := canonjson.Transform(doc)
	if err != nil {
		return nil, fmt.Errorf("contract_parse_failed: %w", err)
	}
	if len(canon) > MaxContractBytes {
		return nil, fmt.Errorf("contract_invalid: contract is %d bytes canonical, limit %d", len(canon), MaxContractBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(canon))
	dec.UseNumber()
	var c Contract
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("contract_parse_failed: %w", err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.canonical = canon
	c.hash = evidence.HashBytes(canon)
	return &c, nil
}

func (c *Contract) check() error {
	if c.ProviderID == "" {
		return fmt.Errorf("contract_invalid: provider_id is empty")
	}
	if c.Transport != Builtin && c.Transport != MCP {
		return fmt.Errorf("contract_invalid: transport must be builtin or mcp, got %q", c.Transport)
	}
	seen := map[string]bool{}
	for i, ch := range c.Checks {
		if ch.CheckID == "" {
			return fmt.Errorf("contract_invalid: checks[%d].check_id is empty", i)
		}
		if seen[ch.CheckID] {
			return fmt.Errorf("contract_invalid: duplicate check_id %q", ch.CheckID)
		}
		seen[ch.CheckID] = true
		if len(ch.AllowedComparators) == 0 {
			return fmt.Errorf("contract_invalid: checks[%d] (%s): allowed_comparators is empty", i, ch.CheckID)
		}
		for j := 1; j < len(ch.AllowedComparators); j++ {
			if ch.AllowedComparators[j] <= ch.AllowedComparators[j-1] {
				return fmt.Errorf("contract_invalid: checks[%d] (%s): allowed_comparators not in canonical order", i, ch.CheckID)
			}
		}
	}
	return nil
}

// Check returns the contract of one check, or nil.
func (c *Contract) Check(id string) *CheckContract {
	for i := range c.Checks {
		if c.Checks[i].CheckID == id {
			return &c.Checks[i]
		}
	}
	return nil
}

// CheckIDs returns the check ids in contract order.
func (c *Contract) CheckIDs() []string {
	ids := make([]string, len(c.Checks))
	for i := range c.Checks {
		ids[i] = c.Checks[i].CheckID
	}
	return ids
}

// Canonical returns the contract's canonical JSON bytes. The caller must not
// modify them.
func (c *Contract) Canonical() []byte { return c.canonical }

// Hash returns the contract hash (sha256 of the canonical JSON).
func (c *Contract) Hash() evidence.HashDigest { return c.hash }

// MarshalJSON serves the canonical source bytes.
func (c *Contract) MarshalJSON() ([]byte, error) {
	if c.canonical == nil {
		return nil, fmt.Errorf("provider: contract was not built with ParseContract")
	}
	return c.canonical, nil
}
