package sdk

import (
	"errors"

	"github.com/decision-gate/dgw/abi"
)

// Errors the host capabilities return. Test with [errors.Is].
var (
	ErrDenied      = errors.New("sdk: capability denied")   // capability not granted, or target not allowlisted
	ErrNotFound    = errors.New("sdk: not found")           // file missing
	ErrInvalid     = errors.New("sdk: invalid request")     // malformed request
	ErrLimit       = errors.New("sdk: limit exceeded")      // a size/count cap was hit (response too large, file too large, key too long…)
	ErrUpstream    = errors.New("sdk: upstream failure")    // network or filesystem failure
	ErrTimeout     = errors.New("sdk: timeout")             // the call's deadline passed
	ErrOutsideRoot = errors.New("sdk: path outside root")   // fs: the path resolves outside the granted root (symlink or ..)
	ErrTruncated   = errors.New("sdk: response truncated")  // http: body shorter than Content-Length
	ErrInternal    = errors.New("sdk: host internal error") // the host failed, or answered something the sdk does not understand
)

var statusErrors = []struct {
	status abi.Status
	err    error
}{
	{abi.StatusDenied, ErrDenied},
	{abi.StatusNotFound, ErrNotFound},
	{abi.StatusInvalid, ErrInvalid},
	{abi.StatusLimit, ErrLimit},
	{abi.StatusUpstream, ErrUpstream},
	{abi.StatusTimeout, ErrTimeout},
	{abi.StatusOutsideRoot, ErrOutsideRoot},
	{abi.StatusTruncated, ErrTruncated},
	{abi.StatusInternal, ErrInternal},
}

// statusError maps a negative host status to its sentinel; unknown codes
// are [ErrInternal].
func statusError(s abi.Status) error {
	for _, se := range statusErrors {
		if se.status == s {
			return se.err
		}
	}
	return ErrInternal
}

// errorCode names err for the response envelope: the status name of a
// sentinel it wraps, or "provider".
func errorCode(err error) string {
	for _, se := range statusErrors {
		if errors.Is(err, se.err) {
			return se.status.String()
		}
	}
	return abi.ErrorCodeProvider
}

// ProviderError is the error [Query] returns when a check failed: the text
// the host will report as the provider error, and the envelope's code.
type ProviderError struct {
	Code    string // a status name such as "denied", or "provider"
	Message string
}

// Error returns the message, exactly as the host reports it.
func (e *ProviderError) Error() string { return e.Message }

// Is reports whether the error's code is the status of target, so that
// errors.Is(err, ErrDenied) holds after a round trip through the envelope.
func (e *ProviderError) Is(target error) bool {
	for _, se := range statusErrors {
		if se.err == target {
			return se.status.String() == e.Code
		}
	}
	return false
}
