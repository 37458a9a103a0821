package evidence

import (
	"encoding/json"
	"fmt"
)

// ValueKind says whether an evidence value is JSON or raw bytes.
type ValueKind uint8

// The value kinds.
const (
	JSONValue ValueKind = iota + 1
	BytesValue
)

// Value is the evidence a provider returned.
//
// Wire form: {"kind":"json","value":<any JSON, null included>} or
// {"kind":"bytes","value":[u8…]}.
type Value struct {
	Kind  ValueKind
	JSON  json.RawMessage // Kind == JSONValue; never nil ("null" is a value)
	Bytes ByteArray       // Kind == BytesValue
}

// JSONOf wraps a JSON literal as a value.
func JSONOf(raw json.RawMessage) *Value { return &Value{Kind: JSONValue, JSON: raw} }

// MarshalJSON implements [json.Marshaler].
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Kind {
	case JSONValue:
		raw := v.JSON
		if len(raw) == 0 {
			raw = json.RawMessage("null")
		}
		return json.Marshal(struct {
			Kind  string          `json:"kind"`
			Value json.RawMessage `json:"value"`
		}{"json", raw})
	case BytesValue:
		return json.Marshal(struct {
			Kind  string    `json:"kind"`
			Value ByteArray `json:"value"`
		}{"bytes", v.Bytes})
	}
	return nil, fmt.Errorf("evidence: value has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (v *Value) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind  *string         `json:"kind"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("evidence value: %w", err)
	}
	if raw.Kind == nil {
		return fmt.Errorf("evidence value: missing field `kind`")
	}
	if raw.Value == nil {
		return fmt.Errorf("evidence value: missing field `value`")
	}
	switch *raw.Kind {
	case "json":
		*v = Value{Kind: JSONValue, JSON: raw.Value}
	case "bytes":
		var b ByteArray
		if err := b.UnmarshalJSON(raw.Value); err != nil {
			return fmt.Errorf("evidence value: %w", err)
		}
		*v = Value{Kind: BytesValue, Bytes: b}
	default:
		return fmt.Errorf("evidence value: unknown variant `%s`, expected `json` or `bytes`", *raw.Kind)
	}
	return nil
}

// Hash returns the evidence hash: the canonical JSON of the inner value, or
// the raw bytes, and the canonical size in bytes.
func (v *Value) Hash() (HashDigest, int, error) {
	if v.Kind == BytesValue {
		return HashBytes(v.Bytes), len(v.Bytes), nil
	}
	raw := v.JSON
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	return HashCanonical(raw)
}

// ResultError is the in-band error of an evidence result.
type ResultError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details" dg:"optional"`
}

// Ref points at where evidence came from: {"uri": …}.
type Ref struct {
	URI string `json:"uri"`
}

// Anchor ties evidence to an external fact: {"anchor_type","anchor_value"}.
type Anchor struct {
	AnchorType  string `json:"anchor_type"`
	AnchorValue string `json:"anchor_value"`
}

// Signature is a provider's signature over the canonical evidence digest.
type Signature struct {
	Scheme    string    `json:"scheme"`
	KeyID     string    `json:"key_id"`
	Signature ByteArray `json:"signature"`
}

// Result is what one provider check returned. Every field is always
// serialised, as null when absent.
type Result struct {
	Value          *Value       `json:"value" dg:"optional"`
	Lane           TrustLane    `json:"lane" dg:"optional"`
	Error          *ResultError `json:"error" dg:"optional"`
	EvidenceHash   *HashDigest  `json:"evidence_hash" dg:"optional"`
	EvidenceRef    *Ref         `json:"evidence_ref" dg:"optional"`
	EvidenceAnchor *Anchor      `json:"evidence_anchor" dg:"optional"`
	Signature      *Signature   `json:"signature" dg:"optional"`
	ContentType    *string      `json:"content_type" dg:"optional"`
}

// ErrorResult returns a verified result that carries only an error.
func ErrorResult(code, message string) Result {
	return Result{Lane: Verified, Error: &ResultError{Code: code, Message: message}}
}
