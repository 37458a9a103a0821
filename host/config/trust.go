package config

import (
	"fmt"
	"reflect"
)

// TrustPolicy is a provider trust policy: "audit" (the zero value) or
// {require_signature = {keys = ["key.pub", …]}} (spec §8.4). In TOML it is
// either that string or that table.
type TrustPolicy struct {
	// RequireSignature is false for audit.
	RequireSignature bool
	// Keys are the Ed25519 public key files; each key's key_id is its
	// Raw path string.
	Keys []Path
}

// Audit reports whether the policy accepts unsigned results.
func (t TrustPolicy) Audit() bool { return !t.RequireSignature }

// String returns "audit" or "require_signature".
func (t TrustPolicy) String() string {
	if t.RequireSignature {
		return "require_signature"
	}
	return "audit"
}

// trustShape is the table form of a [TrustPolicy], used to find unknown
// keys inside it.
type trustShape struct {
	RequireSignature struct {
		Keys []Path `toml:"keys"`
	} `toml:"require_signature"`
}

// tomlShape implements tableShaper.
func (*TrustPolicy) tomlShape() reflect.Type { return reflect.TypeFor[trustShape]() }

// trustSyntax is the accepted syntax, quoted in errors.
const trustSyntax = `"audit" or {require_signature = {keys = [...]}}`

// UnmarshalTOML implements [toml.Unmarshaler]. Keys other than
// require_signature and keys are reported by the strict decoder, not here.
func (t *TrustPolicy) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		if v != "audit" {
			return fmt.Errorf("trust policy must be %s (got %q)", trustSyntax, v)
		}
		*t = TrustPolicy{}
		return nil
	case map[string]any:
		rs, ok := v["require_signature"]
		if !ok {
			return fmt.Errorf("trust policy must be %s (the table has no require_signature)", trustSyntax)
		}
		m, ok := rs.(map[string]any)
		if !ok {
			return fmt.Errorf("trust policy require_signature must be a table with keys (got %s)", tomlTypeName(rs))
		}
		raw, ok := m["keys"]
		if !ok {
			return fmt.Errorf("trust policy require_signature needs keys")
		}
		list, ok := raw.([]any)
		if !ok {
			return fmt.Errorf("trust policy keys: %w", typeMismatch(raw, "array of strings"))
		}
		keys := make([]Path, len(list))
		for i, k := range list {
			if err := keys[i].UnmarshalTOML(k); err != nil {
				return fmt.Errorf("trust policy keys[%d]: %w", i, err)
			}
		}
		*t = TrustPolicy{RequireSignature: true, Keys: keys}
		return nil
	}
	return fmt.Errorf("trust policy must be %s (got %s)", trustSyntax, tomlTypeName(v))
}
