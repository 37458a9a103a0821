package errcode

import (
	"context"
	"errors"
	"fmt"
)

// Code is a stable, snake_case failure class. The set is closed: add a code
// here and to the MCP mapping table together.
type Code string

// The codes. Their JSON-RPC numbers and HTTP statuses live in host/mcp.
const (
	InvalidArgument    Code = "invalid_argument"    // malformed or semantically invalid input
	NotFound           Code = "not_found"           // a named scenario, run, schema or file does not exist
	AlreadyExists      Code = "already_exists"      // define/register of something already present
	Conflict           Code = "conflict"            // idempotency key reused with different content
	FailedPrecondition Code = "failed_precondition" // engine refused: wrong state, invalid spec, policy
	CapabilityDenied   Code = "capability_denied"   // a provider or plugin asked for what it was not granted
	EvidenceUnverified Code = "evidence_unverified" // signature, hash or anchor did not verify
	ProviderFailed     Code = "provider_failed"     // a provider errored; text is untrusted
	ABIMismatch        Code = "abi_mismatch"        // a Wasm module speaks an unknown ABI
	SignatureInvalid   Code = "signature_invalid"   // a module or manifest signature did not verify
	Unauthenticated    Code = "unauthenticated"     // caller identity missing or wrong
	PermissionDenied   Code = "permission_denied"   // caller known but not allowed
	ResourceExhausted  Code = "resource_exhausted"  // size, rate or count limit hit
	DeadlineExceeded   Code = "deadline_exceeded"
	Canceled           Code = "canceled"
	Unavailable        Code = "unavailable" // a backend is down; retry may help
	Runpack            Code = "runpack"     // runpack export or verification I/O and parse failures
	DataLoss           Code = "data_loss"   // stored bytes failed an integrity check
	Internal           Code = "internal"
)

// Error is an error with a [Code]. Op names the operation that failed
// ("engine: trigger", "wasm: load time"); Err is the cause.
type Error struct {
	Code Code
	Op   string
	Err  error
}

// Error returns "op: cause" (or the code when there is no cause).
func (e *Error) Error() string {
	switch {
	case e.Op != "" && e.Err != nil:
		return e.Op + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	case e.Op != "":
		return e.Op + ": " + string(e.Code)
	default:
		return string(e.Code)
	}
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an [*Error] with a formatted cause.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Wrap codes err. It returns nil for a nil err. An err that already carries
// a code keeps it: the code is set where the failure is understood.
func Wrap(code Code, op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return &Error{Code: ce.Code, Op: op, Err: err}
	}
	return &Error{Code: code, Op: op, Err: err}
}

// Of returns the code of err: "" for nil, the first [*Error] in the chain,
// DeadlineExceeded or Canceled for context errors, and Internal otherwise.
func Of(err error) Code {
	if err == nil {
		return ""
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return Canceled
	}
	return Internal
}

// Message returns the innermost message of an [*Error] without its Op
// prefixes, which is the text shown to clients.
func Message(err error) string {
	var ce *Error
	if !errors.As(err, &ce) {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	for {
		var inner *Error
		if ce.Err == nil {
			return string(ce.Code)
		}
		if !errors.As(ce.Err, &inner) {
			return ce.Err.Error()
		}
		ce = inner
	}
}
