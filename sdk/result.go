package sdk

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/abi"
)

// Result mirrors the evidence result wire form. Lane is always "verified"
// and evidence_hash null for built-ins; the host fills in the hash.
type Result struct {
	JSON        json.RawMessage // JSON value when HasValue && !IsBytes; nil means the JSON literal null
	Bytes       []byte          // bytes value when IsBytes
	IsBytes     bool
	HasValue    bool         // false → value:null
	Error       *ResultError // in-band error (json provider style)
	RefURI      string       // "" → evidence_ref:null
	Anchor      *Anchor
	ContentType string // "" → content_type:null
}

// ResultError is an in-band error: a failure the provider understands and
// reports as evidence ({code, message, details}). Details nil → null.
type ResultError struct {
	Code, Message string
	Details       json.RawMessage
}

// Anchor ties evidence to an external fact: {anchor_type, anchor_value}.
type Anchor struct{ Type, Value string }

// SetJSON sets the result's value to the JSON encoding of v.
func (r *Result) SetJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sdk: result value: %w", err)
	}
	r.JSON, r.Bytes, r.IsBytes, r.HasValue = b, nil, false, true
	return nil
}

// SetBytes sets the result's value to the byte string b.
func (r *Result) SetBytes(b []byte) {
	r.JSON, r.Bytes, r.IsBytes, r.HasValue = nil, b, true, true
}

// toABI converts r to the wire form.
func (r *Result) toABI() (*abi.Result, error) {
	out := &abi.Result{Lane: abi.LaneVerified}
	if r.HasValue {
		if r.IsBytes {
			out.Value = abi.BytesValue(r.Bytes)
		} else {
			raw := r.JSON
			if len(raw) == 0 {
				raw = json.RawMessage("null")
			}
			if !json.Valid(raw) {
				return nil, fmt.Errorf("sdk: result JSON value is not valid JSON")
			}
			out.Value = &abi.Value{Kind: abi.ValueJSON, Value: raw}
		}
	}
	if e := r.Error; e != nil {
		if e.Details != nil && !json.Valid(e.Details) {
			return nil, fmt.Errorf("sdk: result error details are not valid JSON")
		}
		out.Error = &abi.ResultError{Code: e.Code, Message: e.Message, Details: e.Details}
	}
	if r.RefURI != "" {
		out.EvidenceRef = &abi.Ref{URI: r.RefURI}
	}
	if r.Anchor != nil {
		out.EvidenceAnchor = &abi.Anchor{AnchorType: r.Anchor.Type, AnchorValue: r.Anchor.Value}
	}
	if r.ContentType != "" {
		ct := r.ContentType
		out.ContentType = &ct
	}
	return out, nil
}

// resultFromABI converts the wire form back, as the host would read it.
func resultFromABI(a *abi.Result) (*Result, error) {
	r := &Result{}
	if v := a.Value; v != nil {
		r.HasValue = true
		switch v.Kind {
		case abi.ValueJSON:
			r.JSON = v.Value
			if string(v.Value) == "null" {
				r.JSON = nil
			}
		case abi.ValueBytes:
			var nums []uint8
			if err := json.Unmarshal(v.Value, &nums); err != nil {
				return nil, fmt.Errorf("sdk: bytes value: %w", err)
			}
			r.IsBytes, r.Bytes = true, nums
		default:
			return nil, fmt.Errorf("sdk: value kind %q", v.Kind)
		}
	}
	if e := a.Error; e != nil {
		r.Error = &ResultError{Code: e.Code, Message: e.Message, Details: e.Details}
		if string(e.Details) == "null" {
			r.Error.Details = nil
		}
	}
	if a.EvidenceRef != nil {
		r.RefURI = a.EvidenceRef.URI
	}
	if a.EvidenceAnchor != nil {
		r.Anchor = &Anchor{Type: a.EvidenceAnchor.AnchorType, Value: a.EvidenceAnchor.AnchorValue}
	}
	if a.ContentType != nil {
		r.ContentType = *a.ContentType
	}
	return r, nil
}
