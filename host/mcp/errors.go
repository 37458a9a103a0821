package mcp

import (
	"errors"
	"net/http"

	"github.com/decision-gate/dgw/host/errcode"
)

// JSON-RPC error codes of the reference dialect.
const (
	CodeInvalidRequest       = -32600
	CodeMethodNotFound       = -32601
	CodeInvalidParams        = -32602
	CodeParseError           = -32700
	CodeUnauthenticated      = -32001
	CodeUnauthorized         = -32003
	CodeNotFound             = -32004
	CodeConflict             = -32009
	CodeEvidence             = -32020
	CodeControlPlane         = -32030
	CodeRunpack              = -32040
	CodeInternal             = -32050
	CodeSerialization        = -32060
	CodeRequestTooLarge      = -32070
	CodeRateLimited          = -32071
	CodeInflightLimit        = -32072
	CodeInvalidCorrelationID = -32073
)

// wireInfo is how one JSON-RPC code appears on the wire.
type wireInfo struct {
	kind   string
	status int
}

var wireTable = map[int]wireInfo{
	CodeInvalidRequest:       {"invalid_request", http.StatusBadRequest},
	CodeMethodNotFound:       {"method_not_found", http.StatusBadRequest},
	CodeInvalidParams:        {"invalid_params", http.StatusBadRequest},
	CodeParseError:           {"invalid_request", http.StatusBadRequest},
	CodeUnauthenticated:      {"unauthenticated", http.StatusUnauthorized},
	CodeUnauthorized:         {"unauthorized", http.StatusForbidden},
	CodeNotFound:             {"not_found", http.StatusOK},
	CodeConflict:             {"conflict", http.StatusOK},
	CodeEvidence:             {"evidence", http.StatusOK},
	CodeControlPlane:         {"control_plane", http.StatusOK},
	CodeRunpack:              {"runpack", http.StatusOK},
	CodeInternal:             {"internal", http.StatusOK},
	CodeSerialization:        {"serialization", http.StatusOK},
	CodeRequestTooLarge:      {"request_too_large", http.StatusRequestEntityTooLarge},
	CodeRateLimited:          {"rate_limited", http.StatusTooManyRequests},
	CodeInflightLimit:        {"inflight_limit", http.StatusServiceUnavailable},
	CodeInvalidCorrelationID: {"invalid_correlation_id", http.StatusBadRequest},
}

// Error is a JSON-RPC error with its wire kind and HTTP status.
type Error struct {
	Code         int
	Message      string
	HTTPStatus   int // overrides the table (413 vs 200 for -32070)
	RetryAfterMS *int64
}

func (e *Error) Error() string { return e.Message }

// Kind returns the data.kind of the code.
func (e *Error) Kind() string {
	if w, ok := wireTable[e.Code]; ok {
		return w.kind
	}
	return "unknown"
}

// Status returns the HTTP status of the error.
func (e *Error) Status() int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	if w, ok := wireTable[e.Code]; ok {
		return w.status
	}
	return http.StatusOK
}

// Retryable is true only for rate and in-flight limits.
func (e *Error) Retryable() bool { return e.Code == CodeRateLimited || e.Code == CodeInflightLimit }

func rpcErr(code int, msg string) *Error { return &Error{Code: code, Message: msg} }

// toWire maps any error to its JSON-RPC form. This is the one place where
// error codes become wire codes.
func toWire(err error) *Error {
	var we *Error
	if errors.As(err, &we) {
		return we
	}
	msg := errcode.Message(err)
	switch errcode.Of(err) {
	case errcode.InvalidArgument, errcode.CapabilityDenied:
		return rpcErr(CodeInvalidParams, msg)
	case errcode.Unauthenticated:
		return rpcErr(CodeUnauthenticated, "unauthenticated")
	case errcode.PermissionDenied:
		return rpcErr(CodeUnauthorized, "unauthorized")
	case errcode.NotFound:
		return rpcErr(CodeNotFound, msg)
	case errcode.AlreadyExists, errcode.Conflict:
		return rpcErr(CodeConflict, msg)
	case errcode.FailedPrecondition:
		return rpcErr(CodeControlPlane, msg)
	case errcode.Runpack:
		return rpcErr(CodeRunpack, msg)
	case errcode.ResourceExhausted:
		return &Error{Code: CodeRequestTooLarge, Message: msg, HTTPStatus: http.StatusOK}
	case errcode.EvidenceUnverified, errcode.ProviderFailed:
		return rpcErr(CodeEvidence, msg)
	}
	return rpcErr(CodeInternal, msg)
}
