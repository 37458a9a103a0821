package audit

import (
	"bytes"
	"encoding/json"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// Precheck is the precheck_audit event. By default it records only the
// canonical hashes of the tool request and response; the raw payloads are
// included only when server.audit.log_precheck_payloads is set. Fill the
// payload fields with [Precheck.SetPayloads].
type Precheck struct {
	UnsafeClientCorrelationID *string `json:"unsafe_client_correlation_id"`
	// ServerCorrelationID "" encodes as "missing".
	ServerCorrelationID string               `json:"server_correlation_id"`
	TenantID            evidence.TenantID    `json:"tenant_id,string"`
	NamespaceID         evidence.NamespaceID `json:"namespace_id,string"`
	// ScenarioID comes from the request or the inline spec.
	ScenarioID *string `json:"scenario_id"`
	// StageID is the request's stage override.
	StageID       *string `json:"stage_id"`
	SchemaID      string  `json:"schema_id"`
	SchemaVersion string  `json:"schema_version"`
	// RequestHash and ResponseHash are the JCS SHA-256 digests of the tool
	// request and response.
	RequestHash  evidence.HashDigest `json:"request_hash"`
	ResponseHash evidence.HashDigest `json:"response_hash"`
	// Request and Response are the raw payloads, nil (null) unless logged.
	Request  json.RawMessage `json:"request"`
	Response json.RawMessage `json:"response"`
	// Redaction "" means hash_only without payloads and payload with them.
	Redaction Redaction `json:"redaction"`
}

// SetPayloads hashes the tool request and response into RequestHash and
// ResponseHash. With logPayloads it also stores both as raw JSON and sets
// Redaction to payload; otherwise it clears them and sets hash_only.
//
// # Errors
//
// InvalidArgument when either value cannot be encoded as JSON; e is then
// unchanged.
func (e *Precheck) SetPayloads(request, response any, logPayloads bool) error {
	reqHash, err := evidence.HashJSON(request)
	if err != nil {
		return errcode.Wrap(errcode.InvalidArgument, "audit: precheck request", err)
	}
	respHash, err := evidence.HashJSON(response)
	if err != nil {
		return errcode.Wrap(errcode.InvalidArgument, "audit: precheck response", err)
	}
	if !logPayloads {
		e.RequestHash, e.ResponseHash = reqHash, respHash
		e.Request, e.Response, e.Redaction = nil, nil, RedactionHashOnly
		return nil
	}
	rawReq, err := marshalRaw(request)
	if err != nil {
		return errcode.Wrap(errcode.InvalidArgument, "audit: precheck request", err)
	}
	rawResp, err := marshalRaw(response)
	if err != nil {
		return errcode.Wrap(errcode.InvalidArgument, "audit: precheck response", err)
	}
	e.RequestHash, e.ResponseHash = reqHash, respHash
	e.Request, e.Response, e.Redaction = rawReq, rawResp, RedactionPayload
	return nil
}

// EventName implements [Event].
func (*Precheck) EventName() string { return EventPrecheck }

func (e *Precheck) frame(ts int64) any {
	c := *e
	c.ServerCorrelationID = orMissing(c.ServerCorrelationID)
	if c.Redaction == "" {
		c.Redaction = RedactionHashOnly
		if c.Request != nil || c.Response != nil {
			c.Redaction = RedactionPayload
		}
	}
	return struct {
		header
		*Precheck
	}{header{EventPrecheck, ts}, &c}
}

// marshalRaw encodes v as compact JSON without HTML escaping, as the
// reference writes raw payloads.
func marshalRaw(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
