package audit

import (
	"encoding/json"
	"io"
	"os"
)

// Decision is the outcome of an authentication/authorisation check.
type Decision string

// The decisions.
const (
	DecisionAllow Decision = "allow"
	DecisionDeny  Decision = "deny"
)

// AuthMethod is how a caller authenticated. The zero value means unknown
// (a denied request) and encodes as null.
type AuthMethod string

// The authentication methods.
const (
	AuthLocal       AuthMethod = "local"
	AuthBearerToken AuthMethod = "bearer_token"
	AuthMTLSSubject AuthMethod = "mtls_subject"
)

// MarshalJSON encodes the method, or null for "".
func (m AuthMethod) MarshalJSON() ([]byte, error) {
	if m == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(m))
}

// ActionToolsList is the [ToolAuthz.Action] of a tools/list request; a
// tools/call uses the tool name.
const ActionToolsList = "tools/list"

// ToolAuthz is one mcp_tool_authz line (spec §7.1), written for every
// authentication decision. Unlike sink events it has no timestamp. A deny
// line leaves AuthMethod, Subject and TokenFingerprint unset (null) and
// carries the failure in Reason, e.g. "unauthenticated: invalid bearer
// token".
type ToolAuthz struct {
	Decision Decision `json:"decision"`
	// Action is [ActionToolsList] or the called tool's name.
	Action    string    `json:"action"`
	Transport Transport `json:"transport"`
	PeerIP    *string   `json:"peer_ip"`
	// AuthMethod "" encodes as null.
	AuthMethod AuthMethod `json:"auth_method"`
	// Subject is "stdio", "loopback" or the mTLS subject.
	Subject *string `json:"subject"`
	// TokenFingerprint is set for bearer callers; the zero value is null.
	TokenFingerprint          TokenFingerprint `json:"token_fingerprint"`
	Reason                    *string          `json:"reason"`
	RequestID                 *string          `json:"request_id"`
	UnsafeClientCorrelationID *string          `json:"unsafe_client_correlation_id"`
	ServerCorrelationID       *string          `json:"server_correlation_id"`
}

// AuthzLog writes mcp_tool_authz lines. It is safe for concurrent use; a
// nil *AuthzLog drops every line.
type AuthzLog struct {
	lines *lineWriter
}

// NewAuthzLog returns a log writing to w; a nil w means os.Stderr, where the
// reference writes these lines.
func NewAuthzLog(w io.Writer) *AuthzLog {
	if w == nil {
		w = os.Stderr
	}
	return &AuthzLog{lines: &lineWriter{w: w}}
}

// Record writes ev as one JSON line.
//
// # Errors
//
// Unavailable when the write fails.
func (l *AuthzLog) Record(ev ToolAuthz) error {
	if l == nil || l.lines == nil {
		return nil
	}
	return l.lines.writeJSON(struct {
		Event string `json:"event"`
		*ToolAuthz
	}{EventToolAuthz, &ev})
}
