package scenario

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// MaxPayloadBytes caps a packet or submission payload (canonical JSON or raw
// bytes).
const MaxPayloadBytes = 2 << 20

// PayloadKind says how a packet payload is carried.
type PayloadKind string

// The payload kinds.
const (
	PayloadJSON     PayloadKind = "json"
	PayloadBytes    PayloadKind = "bytes"
	PayloadExternal PayloadKind = "external"
)

// Payload is a tagged union on "kind":
// {"kind":"json","value":JSON} | {"kind":"bytes","bytes":[u8]} |
// {"kind":"external","content_ref":ContentRef}.
type Payload struct {
	Kind       PayloadKind
	JSON       json.RawMessage    // json; null is a value
	Bytes      evidence.ByteArray // bytes
	ContentRef *ContentRef        // external
}

// ContentRef points at content stored elsewhere.
type ContentRef struct {
	URI         string              `json:"uri"`
	ContentHash evidence.HashDigest `json:"content_hash"`
	Encryption  *string             `json:"encryption"`
}

// MarshalJSON implements [json.Marshaler].
func (p Payload) MarshalJSON() ([]byte, error) {
	switch p.Kind {
	case PayloadJSON:
		v := p.JSON
		if len(v) == 0 {
			v = json.RawMessage("null")
		}
		return json.Marshal(struct {
			Kind  PayloadKind     `json:"kind"`
			Value json.RawMessage `json:"value"`
		}{p.Kind, v})
	case PayloadBytes:
		b := p.Bytes
		if b == nil {
			b = evidence.ByteArray{}
		}
		return json.Marshal(struct {
			Kind  PayloadKind        `json:"kind"`
			Bytes evidence.ByteArray `json:"bytes"`
		}{p.Kind, b})
	case PayloadExternal:
		return json.Marshal(struct {
			Kind       PayloadKind `json:"kind"`
			ContentRef *ContentRef `json:"content_ref"`
		}{p.Kind, p.ContentRef})
	}
	return nil, fmt.Errorf("scenario: payload has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (p *Payload) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind       *string          `json:"kind"`
		Value      json.RawMessage  `json:"value"`
		Bytes      *json.RawMessage `json:"bytes"`
		ContentRef *json.RawMessage `json:"content_ref"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	if raw.Kind == nil {
		return fmt.Errorf("payload: missing field `kind`")
	}
	switch k := PayloadKind(*raw.Kind); k {
	case PayloadJSON:
		if raw.Value == nil {
			return fmt.Errorf("payload: missing field `value`")
		}
		*p = Payload{Kind: k, JSON: raw.Value}
	case PayloadBytes:
		if raw.Bytes == nil {
			return fmt.Errorf("payload: missing field `bytes`")
		}
		var b evidence.ByteArray
		if err := b.UnmarshalJSON(*raw.Bytes); err != nil {
			return fmt.Errorf("payload: %w", err)
		}
		*p = Payload{Kind: k, Bytes: b}
	case PayloadExternal:
		if raw.ContentRef == nil {
			return fmt.Errorf("payload: missing field `content_ref`")
		}
		var ref ContentRef
		if err := decodeStrict(*raw.ContentRef, &ref); err != nil {
			return fmt.Errorf("payload.content_ref: %w", err)
		}
		*p = Payload{Kind: k, ContentRef: &ref}
	default:
		return fmt.Errorf("payload: unknown variant `%s`, expected one of `json`, `bytes`, `external`", *raw.Kind)
	}
	return nil
}

// Hash returns the payload's content hash: the canonical JSON of a json
// payload, the raw bytes of a bytes payload, or the declared hash of an
// external one. Payloads over [MaxPayloadBytes] are refused.
func (p *Payload) Hash() (evidence.HashDigest, error) {
	switch p.Kind {
	case PayloadJSON:
		v := p.JSON
		if len(v) == 0 {
			v = json.RawMessage("null")
		}
		h, n, err := evidence.HashCanonical(v)
		if err != nil {
			return h, err
		}
		if n > MaxPayloadBytes {
			return h, fmt.Errorf("payload exceeds size limit (%d > %d)", n, MaxPayloadBytes)
		}
		return h, nil
	case PayloadBytes:
		if len(p.Bytes) > MaxPayloadBytes {
			return evidence.HashDigest{}, fmt.Errorf("payload exceeds size limit (%d > %d)", len(p.Bytes), MaxPayloadBytes)
		}
		return evidence.HashBytes(p.Bytes), nil
	case PayloadExternal:
		if p.ContentRef == nil || p.ContentRef.ContentHash.Algorithm != evidence.HashAlgorithm {
			return evidence.HashDigest{}, fmt.Errorf("hashing error: unsupported content hash algorithm")
		}
		return p.ContentRef.ContentHash, nil
	}
	return evidence.HashDigest{}, fmt.Errorf("hashing error: payload has no kind")
}

// Equal reports whether two payloads are the same (by kind and canonical
// content).
func (p *Payload) Equal(o *Payload) bool {
	a, errA := p.Hash()
	b, errB := o.Hash()
	return errA == nil && errB == nil && p.Kind == o.Kind && a.Equal(b)
}
