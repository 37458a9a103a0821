package mcpclient

import (
	"fmt"
	"time"

	"github.com/decision-gate/dgw/host/egress"
)

// Protocols a backend may speak (config providers[].protocol).
const (
	// ProtocolDGEvidence: Content-Length frames on stdio, one JSON-RPC POST
	// per call on HTTP, no initialize (spec §8.1).
	ProtocolDGEvidence = "dg_evidence_v1"
	// ProtocolMCP: standard MCP — initialize, notifications/initialized,
	// then tools/call; newline-delimited JSON on stdio, Streamable HTTP
	// (Mcp-Session-Id kept) on HTTP.
	ProtocolMCP = "mcp"
)

// Options configure one backend client. Exactly one of Command and URL is
// set.
type Options struct {
	// Name is the provider name, used in error messages.
	Name     string
	Protocol string

	// Command is the stdio program and its arguments.
	Command []string
	// Env is the child's complete environment ("NAME=value"); nothing is
	// inherited from the host process beyond it.
	Env []string
	// Dir is the child's working directory ("" = the server's).
	Dir string
	// StderrTailBytes bounds the ring buffer that keeps the child's stderr.
	StderrTailBytes int

	// URL is the HTTP endpoint.
	URL string
	// Egress is checked before every request and at dial time; nil
	// refuses every destination.
	Egress *egress.Policy
	// BearerToken, when non-empty, is sent as Authorization: Bearer.
	BearerToken string

	ConnectTimeout time.Duration // HTTP dial + TLS handshake
	RequestTimeout time.Duration // one call, end to end
	StartupTimeout time.Duration // spawn (+ initialize for mcp) or first handshake

	// MaxResponseBytes caps one JSON-RPC message or HTTP body.
	MaxResponseBytes int64
}

// Info is what a handshake learned about the backend.
type Info struct {
	// ProtocolVersion and ServerInfo come from initialize (mcp only).
	ProtocolVersion string         `json:"protocol_version,omitempty"`
	ServerInfo      map[string]any `json:"server_info,omitempty"`
	// ToolsSchemaHash is the sha256 hex of the canonical JSON of the
	// evidence_query tool's input schema from tools/list (mcp only),
	// recorded for information.
	ToolsSchemaHash string `json:"tools_schema_hash,omitempty"`
}

// Code classifies a client failure.
type Code string

// The failure codes.
const (
	CodeTimeout       Code = "timeout"        // the call's deadline passed
	CodeTransport     Code = "transport"      // dial, I/O or spawn failure
	CodeProcessExited Code = "process_exited" // the stdio child died
	CodeOversize      Code = "oversize"       // a frame or body over MaxResponseBytes
	CodeMalformed     Code = "malformed"      // not a well-formed JSON-RPC reply or tool result
	CodeRPCError      Code = "rpc_error"      // a JSON-RPC error object
	CodeHTTPStatus    Code = "http_status"    // a non-2xx HTTP status (redirects included)
	CodeTextResult    Code = "text_result"    // first content item is text
	CodeEmptyResult   Code = "empty_result"   // empty content list
	CodeEgressDenied  Code = "egress_denied"  // the egress policy refused the destination
	CodeHandshake     Code = "handshake"      // initialize / tools/list failed (mcp)
	CodeToolError     Code = "tool_error"     // the tool result has isError set (mcp)
	CodeClosed        Code = "closed"         // the client was closed
)

// Error is a client failure. Msg follows the reference's wording where it
// has one (spec §8.1), e.g. "http request failed with status 502".
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Msg) }

// EvidenceCode implements evidence.CodedError: timeouts are recorded as
// "timeout", every other failure as "provider_error".
func (e *Error) EvidenceCode() string {
	if e.Code == CodeTimeout {
		return "timeout"
	}
	return "provider_error"
}

// Counted reports whether the failure counts against the backend's
// circuit breaker (broker design §4.3.6): every client failure does except
// an egress refusal, which is a configuration problem, not an outage.
func (e *Error) Counted() bool { return e.Code != CodeEgressDenied }
