package audit

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Event is one audit record: *MCPRequest, *Precheck, *Registry,
// *TenantAuthz, *Usage, *Security or *DecisionProvenance. The set is closed; the sink adds the
// "event" and "timestamp_ms" fields.
type Event interface {
	// EventName returns the value of the event's "event" field.
	EventName() string
	// frame returns the value to encode: the header followed by the fields.
	frame(timestampMS int64) any
}

// The event names.
const (
	EventMCPRequest  = "mcp_request"
	EventPrecheck    = "precheck_audit"
	EventRegistry    = "registry_audit"
	EventTenantAuthz = "tenant_authz"
	EventUsage       = "usage_audit"
	EventSecurity    = "security_audit"
	EventToolAuthz   = "mcp_tool_authz"
	// EventDecisionProvenance records each decision's governance provenance.
	EventDecisionProvenance = "decision_provenance"
)

// MissingServerCorrelationID stands in for an absent server correlation id
// in fields that are never null.
const MissingServerCorrelationID = "missing"

// header is the prefix of every sink event. Embedded first in each frame,
// its fields encode before the event's own.
type header struct {
	Event       string `json:"event"`
	TimestampMS int64  `json:"timestamp_ms"`
}

// Transport is the MCP transport a request arrived on.
type Transport string

// The transports.
const (
	TransportHTTP  Transport = "http"
	TransportSSE   Transport = "sse"
	TransportStdio Transport = "stdio"
)

// Method classifies a JSON-RPC request (the reference's variant names).
type Method string

// The methods.
const (
	MethodToolsList     Method = "ToolsList"
	MethodToolsCall     Method = "ToolsCall"
	MethodResourcesList Method = "ResourcesList"
	MethodResourcesRead Method = "ResourcesRead"
	MethodInvalid       Method = "Invalid"
	MethodOther         Method = "Other"
)

// Outcome says whether a request succeeded.
type Outcome string

// The outcomes.
const (
	OutcomeOK    Outcome = "Ok"
	OutcomeError Outcome = "Error"
)

// Redaction says how much of a request or payload an event reveals.
type Redaction string

// The redaction labels: Full and Evidence for mcp_request, HashOnly and
// Payload for precheck_audit.
const (
	RedactionFull     Redaction = "full"
	RedactionEvidence Redaction = "evidence"
	RedactionHashOnly Redaction = "hash_only"
	RedactionPayload  Redaction = "payload"
)

// MCPRequest is the mcp_request event, written once per JSON-RPC request.
// Nil pointers encode as null.
type MCPRequest struct {
	// RequestID is the JSON text of the request id (see [RequestIDText]).
	RequestID                 *string `json:"request_id"`
	UnsafeClientCorrelationID *string `json:"unsafe_client_correlation_id"`
	// ServerCorrelationID is the issued id; "" encodes as "missing".
	ServerCorrelationID string    `json:"server_correlation_id"`
	Transport           Transport `json:"transport"`
	// PeerIP is the caller's address (see [PeerIP]); nil for stdio.
	PeerIP *string `json:"peer_ip"`
	Method Method  `json:"method"`
	// Tool is the tool name of a tools/call.
	Tool          *string `json:"tool"`
	Outcome       Outcome `json:"outcome"`
	ErrorCode     *int64  `json:"error_code"`
	ErrorKind     *string `json:"error_kind"`
	RequestBytes  int     `json:"request_bytes"`
	ResponseBytes int     `json:"response_bytes"`
	// ClientSubject is the mTLS subject header, when sent.
	ClientSubject *string `json:"client_subject"`
	// Redaction "" means evidence for evidence_query and full otherwise.
	Redaction Redaction `json:"redaction"`
}

// EventName implements [Event].
func (*MCPRequest) EventName() string { return EventMCPRequest }

func (e *MCPRequest) frame(ts int64) any {
	c := *e
	c.ServerCorrelationID = orMissing(c.ServerCorrelationID)
	if c.Redaction == "" {
		c.Redaction = RedactionFull
		if c.Tool != nil && *c.Tool == "evidence_query" {
			c.Redaction = RedactionEvidence
		}
	}
	return struct {
		header
		*MCPRequest
	}{header{EventMCPRequest, ts}, &c}
}

// Registry is the registry_audit event: one schema-registry ACL decision.
type Registry struct {
	RequestID                 *string `json:"request_id"`
	UnsafeClientCorrelationID *string `json:"unsafe_client_correlation_id"`
	// ServerCorrelationID "" encodes as "missing".
	ServerCorrelationID string               `json:"server_correlation_id"`
	TenantID            evidence.TenantID    `json:"tenant_id,string"`
	NamespaceID         evidence.NamespaceID `json:"namespace_id,string"`
	Action              RegistryAction       `json:"action"`
	Allowed             bool                 `json:"allowed"`
	Reason              string               `json:"reason"`
	PrincipalID         string               `json:"principal_id"`
	// Roles encodes nil as [].
	Roles         []string `json:"roles"`
	PolicyClass   *string  `json:"policy_class"`
	SchemaID      *string  `json:"schema_id"`
	SchemaVersion *string  `json:"schema_version"`
}

// RegistryAction is a schema-registry operation.
type RegistryAction string

// The registry actions.
const (
	ActionRegister RegistryAction = "register"
	ActionList     RegistryAction = "list"
	ActionGet      RegistryAction = "get"
)

// EventName implements [Event].
func (*Registry) EventName() string { return EventRegistry }

func (e *Registry) frame(ts int64) any {
	c := *e
	c.ServerCorrelationID = orMissing(c.ServerCorrelationID)
	if c.Roles == nil {
		c.Roles = []string{}
	}
	return struct {
		header
		*Registry
	}{header{EventRegistry, ts}, &c}
}

// TenantAuthz is the tenant_authz event: one tenant authorisation decision
// (the built-in authoriser always allows with reason "noop_allow").
type TenantAuthz struct {
	RequestID                 *string `json:"request_id"`
	UnsafeClientCorrelationID *string `json:"unsafe_client_correlation_id"`
	// ServerCorrelationID "" encodes as "missing".
	ServerCorrelationID string                `json:"server_correlation_id"`
	Tool                *string               `json:"tool"`
	Allowed             bool                  `json:"allowed"`
	Reason              string                `json:"reason"`
	PrincipalID         string                `json:"principal_id"`
	TenantID            *evidence.TenantID    `json:"tenant_id,string"`
	NamespaceID         *evidence.NamespaceID `json:"namespace_id,string"`
}

// ReasonNoopAllow is the reason of the built-in tenant authoriser and usage
// meter, which allow everything.
const ReasonNoopAllow = "noop_allow"

// EventName implements [Event].
func (*TenantAuthz) EventName() string { return EventTenantAuthz }

func (e *TenantAuthz) frame(ts int64) any {
	c := *e
	c.ServerCorrelationID = orMissing(c.ServerCorrelationID)
	return struct {
		header
		*TenantAuthz
	}{header{EventTenantAuthz, ts}, &c}
}

// Usage is the usage_audit event: one metering or quota decision.
type Usage struct {
	RequestID                 *string `json:"request_id"`
	UnsafeClientCorrelationID *string `json:"unsafe_client_correlation_id"`
	// ServerCorrelationID "" encodes as "missing".
	ServerCorrelationID string                `json:"server_correlation_id"`
	Tool                *string               `json:"tool"`
	TenantID            *evidence.TenantID    `json:"tenant_id,string"`
	NamespaceID         *evidence.NamespaceID `json:"namespace_id,string"`
	PrincipalID         string                `json:"principal_id"`
	Metric              Metric                `json:"metric"`
	Units               uint64                `json:"units"`
	Allowed             bool                  `json:"allowed"`
	Reason              string                `json:"reason"`
}

// Metric is a usage meter.
type Metric string

// The usage metrics.
const (
	MetricToolCalls       Metric = "tool_calls"
	MetricRunsStarted     Metric = "runs_started"
	MetricEvidenceQueries Metric = "evidence_queries"
	MetricRunpackExports  Metric = "runpack_exports"
	MetricSchemasWritten  Metric = "schemas_written"
	MetricRegistryEntries Metric = "registry_entries"
	MetricStorageBytes    Metric = "storage_bytes"
)

// EventName implements [Event].
func (*Usage) EventName() string { return EventUsage }

func (e *Usage) frame(ts int64) any {
	c := *e
	c.ServerCorrelationID = orMissing(c.ServerCorrelationID)
	return struct {
		header
		*Usage
	}{header{EventUsage, ts}, &c}
}

// Security is the security_audit event: a security-relevant posture or
// request fact. Unlike the other events its server correlation id may be
// null (posture events are not tied to a request).
type Security struct {
	UnsafeClientCorrelationID *string      `json:"unsafe_client_correlation_id"`
	ServerCorrelationID       *string      `json:"server_correlation_id"`
	Kind                      SecurityKind `json:"kind"`
	Message                   *string      `json:"message"`
	DevPermissive             bool         `json:"dev_permissive"`
	// NamespaceAuthority is the namespace.authority.mode ("none",
	// "assetcore_http").
	NamespaceAuthority string `json:"namespace_authority"`
}

// SecurityKind is the kind of a security_audit event.
type SecurityKind string

// The security event kinds.
const (
	KindDevPermissiveEnabled SecurityKind = "dev_permissive_enabled"
	KindInvalidCorrelationID SecurityKind = "invalid_correlation_id"
)

// EventName implements [Event].
func (*Security) EventName() string { return EventSecurity }

func (e *Security) frame(ts int64) any {
	return struct {
		header
		*Security
	}{header{EventSecurity, ts}, e}
}

func orMissing(id string) string {
	if id == "" {
		return MissingServerCorrelationID
	}
	return id
}

// RequestIDText returns the compact JSON text of a JSON-RPC request id
// ("7", `"abc"`), or nil when the id is absent or null.
func RequestIDText(id json.RawMessage) *string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, id); err != nil {
		buf.Reset()
		buf.WriteString(strings.TrimSpace(string(id)))
	}
	if s := buf.String(); s != "" && s != "null" {
		return &s
	}
	return nil
}

// PeerIP returns the text of addr for a peer_ip field, or nil when addr is
// the zero Addr (no peer, as on stdio).
func PeerIP(addr netip.Addr) *string {
	if !addr.IsValid() {
		return nil
	}
	return new(addr.String())
}

var (
	_ Event = (*MCPRequest)(nil)
	_ Event = (*Precheck)(nil)
	_ Event = (*Registry)(nil)
	_ Event = (*TenantAuthz)(nil)
	_ Event = (*Usage)(nil)
	_ Event = (*Security)(nil)
)

// DecisionProvenance is the decision_provenance event: the governance
// record of one durable decision (see scenario.Provenance).
type DecisionProvenance struct {
	TenantID    uint64 `json:"tenant_id"`
	NamespaceID uint64 `json:"namespace_id"`
	RunID       string `json:"run_id"`
	TriggerID   string `json:"trigger_id"`
	Outcome     string `json:"outcome"`
	*scenario.Provenance
}

// EventName implements [Event].
func (*DecisionProvenance) EventName() string { return EventDecisionProvenance }

func (e *DecisionProvenance) frame(ts int64) any {
	return struct {
		header
		*DecisionProvenance
	}{header{EventDecisionProvenance, ts}, e}
}
