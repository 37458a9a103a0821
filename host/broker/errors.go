package broker

import (
	"context"
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// Evidence error codes of a governed call (design broker.md §4.4). A query
// that fails with one of them is recorded with that code and status
// Unknown; none of them ever yields a value.
const (
	// CodeProviderUnavailable: the provider needs a passing preflight it
	// does not have, is closed, or cannot be started (a missing
	// required_env variable, a changed executable).
	CodeProviderUnavailable = "provider_unavailable"
	// CodeCircuitOpen: the breaker is open, or half-open with every probe
	// slot taken. No traffic reaches the backend.
	CodeCircuitOpen = "circuit_open"
	// CodeBackendBusy: every concurrency slot and every queue slot is taken.
	CodeBackendBusy = "backend_busy"
	// CodeTimeout: the call or the caller's deadline passed.
	CodeTimeout = "timeout"
	// CodeProviderError: any other failure of the backend.
	CodeProviderError = "provider_error"
)

// CallError is a query the broker refused, or a failure it classified
// itself. Failures reported by the backend client keep their own type
// (mcpclient.Error), wrapped with the provider name.
//
// CallError implements evidence.CodedError: EvidenceCode returns Code.
type CallError struct {
	Provider string // provider name
	Code     string // one of the Code* constants
	Msg      string // what happened; never a secret value
	Err      error  // the cause, if any
}

// Error returns "broker: <provider>: <code>: <msg>[: <cause>]".
func (e *CallError) Error() string {
	s := "broker: " + e.Provider + ": " + e.Code
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// EvidenceCode returns Code.
func (e *CallError) EvidenceCode() string { return e.Code }

// Unwrap returns the cause.
func (e *CallError) Unwrap() error { return e.Err }

// callErr returns a [*CallError].
func callErr(name, code, format string, args ...any) *CallError {
	return &CallError{Provider: name, Code: code, Msg: fmt.Sprintf(format, args...)}
}

// abandoned returns the error of a call whose caller gave up (its context
// is done): timeout for a passed deadline, provider_error otherwise.
func abandoned(name string, err error) *CallError {
	if errors.Is(err, context.DeadlineExceeded) {
		return &CallError{Provider: name, Code: CodeTimeout, Msg: "the caller's deadline passed", Err: err}
	}
	return &CallError{Provider: name, Code: CodeProviderError, Msg: "the caller gave up", Err: err}
}

// problem is a failed check of the provider's configuration or
// environment: a stable code (a preflight step code), the config key it
// concerns relative to the provider entry ("capabilities_path"), and a
// message that starts with the code. It never holds a secret value.
type problem struct {
	code string
	key  string
	msg  string
}

// newProblem returns a problem whose message is "<code>: <text>".
func newProblem(code, key, format string, args ...any) *problem {
	return &problem{code: code, key: key, msg: code + ": " + fmt.Sprintf(format, args...)}
}

// Error returns "<key>: <msg>", or msg when there is no key.
func (p *problem) Error() string {
	if p.key == "" {
		return p.msg
	}
	return p.key + ": " + p.msg
}

var _ evidence.CodedError = (*CallError)(nil)
