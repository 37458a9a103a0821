package abi

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// QueryRequest is the input of [ExportQuery]. The host writes it; the
// module reads it.
//
// Params is the check's parameter object exactly as the scenario gave it
// (absent when the scenario gave none or null). Config is the operator's
// config block for this provider ({} when there is none). Context carries the
// trigger time: a module must take time from there, never from a clock.
type QueryRequest struct {
	CheckID string          `json:"check_id"`
	Params  json.RawMessage `json:"params,omitempty"`
	Context Context         `json:"context"`
	Config  json.RawMessage `json:"config"`
}

// Context is the evidence context of the run a query serves, in the
// evidence-context wire form. The host writes it; the module reads it.
type Context struct {
	TenantID      uint64    `json:"tenant_id"`
	NamespaceID   uint64    `json:"namespace_id"`
	RunID         string    `json:"run_id"`
	ScenarioID    string    `json:"scenario_id"`
	StageID       string    `json:"stage_id"`
	TriggerID     string    `json:"trigger_id"`
	TriggerTime   Timestamp `json:"trigger_time"`
	CorrelationID *string   `json:"correlation_id"`
}

// Timestamp kinds.
const (
	TimestampUnixMillis = "unix_millis"
	TimestampLogical    = "logical"
)

// Timestamp is {"kind":"unix_millis","value":<i64>} or
// {"kind":"logical","value":<u64>}. The host writes it; the module reads it.
type Timestamp struct {
	Kind    string // TimestampUnixMillis or TimestampLogical
	Millis  int64  // when Kind is TimestampUnixMillis
	Logical uint64 // when Kind is TimestampLogical
}

// MarshalJSON implements [json.Marshaler].
func (t Timestamp) MarshalJSON() ([]byte, error) {
	var v string
	switch t.Kind {
	case TimestampUnixMillis:
		v = strconv.FormatInt(t.Millis, 10)
	case TimestampLogical:
		v = strconv.FormatUint(t.Logical, 10)
	default:
		return nil, fmt.Errorf("abi: timestamp kind %q", t.Kind)
	}
	return []byte(`{"kind":"` + t.Kind + `","value":` + v + `}`), nil
}

// UnmarshalJSON implements [json.Unmarshaler].
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind  string      `json:"kind"`
		Value json.Number `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("abi: timestamp: %w", err)
	}
	switch raw.Kind {
	case TimestampUnixMillis:
		v, err := strconv.ParseInt(raw.Value.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("abi: timestamp: unix_millis value must be an i64")
		}
		*t = Timestamp{Kind: raw.Kind, Millis: v}
	case TimestampLogical:
		v, err := strconv.ParseUint(raw.Value.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("abi: timestamp: logical value must be a u64")
		}
		*t = Timestamp{Kind: raw.Kind, Logical: v}
	default:
		return fmt.Errorf("abi: timestamp kind %q", raw.Kind)
	}
	return nil
}

// Response is the output of [ExportQuery]. The module writes it; the host
// reads it. Exactly one of Result (OK true) and Error (OK false) is set.
type Response struct {
	OK     bool           `json:"ok"`
	Result *Result        `json:"result,omitempty"`
	Error  *ResponseError `json:"error,omitempty"`
}

// ResponseError says that the provider failed to answer. The host reports
// it as a provider failure: Message is untrusted text that the host cuts to
// [MaxGuestErrorBytes]; Code is logged but never chooses the host's error
// code. A failure the provider understands (a missing file, a bad parameter)
// belongs in [Result].Error instead.
type ResponseError struct {
	Code    string `json:"code"` // a [Status] name, or "provider"
	Message string `json:"message"`
}

// ErrorCodeProvider is the [ResponseError] code for a failure that no
// [Status] describes.
const ErrorCodeProvider = "provider"

// Validate checks that the envelope is well formed.
func (r *Response) Validate() error {
	switch {
	case r.OK && r.Result == nil:
		return fmt.Errorf("abi: response: ok without result")
	case r.OK && r.Error != nil:
		return fmt.Errorf("abi: response: ok with error")
	case !r.OK && r.Error == nil:
		return fmt.Errorf("abi: response: not ok without error")
	case !r.OK && r.Result != nil:
		return fmt.Errorf("abi: response: error with result")
	}
	return nil
}

// Result is an evidence result in its exact wire form: every field is
// always present, as null when absent. The module writes it; the host reads
// it. Lane is "verified" for every pv1 provider, and EvidenceHash and
// Signature are null (the host fills in the hash).
type Result struct {
	Value          *Value          `json:"value"`
	Lane           string          `json:"lane"`
	Error          *ResultError    `json:"error"`
	EvidenceHash   json.RawMessage `json:"evidence_hash"`
	EvidenceRef    *Ref            `json:"evidence_ref"`
	EvidenceAnchor *Anchor         `json:"evidence_anchor"`
	Signature      json.RawMessage `json:"signature"`
	ContentType    *string         `json:"content_type"`
}

// LaneVerified is the only lane a pv1 provider reports.
const LaneVerified = "verified"

// Value kinds.
const (
	ValueJSON  = "json"
	ValueBytes = "bytes"
)

// Value is {"kind":"json","value":<any JSON>} or
// {"kind":"bytes","value":[u8,…]} (a JSON array of integers, never base64).
type Value struct {
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value"`
}

// BytesValue returns a bytes [Value] with b as a JSON integer array.
func BytesValue(b []byte) *Value {
	out := make([]byte, 0, 2+len(b)*4)
	out = append(out, '[')
	for i, c := range b {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendUint(out, uint64(c), 10)
	}
	return &Value{Kind: ValueBytes, Value: append(out, ']')}
}

// ResultError is the in-band error of a result: {code, message, details}.
type ResultError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details"`
}

// Ref is {"uri": …}.
type Ref struct {
	URI string `json:"uri"`
}

// Anchor is {"anchor_type": …, "anchor_value": …}.
type Anchor struct {
	AnchorType  string `json:"anchor_type"`
	AnchorValue string `json:"anchor_value"`
}
