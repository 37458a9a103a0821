package capability

import (
	"context"
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/abi"
)

// Error is a refusal or failure of a capability check: the status the module
// is told and a detail for the audit log.
type Error struct {
	Status     abi.Status // what the module sees
	Capability string     // e.g. "fs/v1/read"
	Detail     string     // for the host's log only
}

// Error returns "capability <name>: <status>: <detail>".
func (e *Error) Error() string {
	return fmt.Sprintf("capability %s: %s: %s", e.Capability, e.Status, e.Detail)
}

func fail(capName string, st abi.Status, format string, args ...any) *Error {
	return &Error{Status: st, Capability: capName, Detail: fmt.Sprintf(format, args...)}
}

// StatusOf returns the status to answer for err: [abi.StatusOK] for nil, the
// status of an [*Error], [abi.StatusTimeout] for a context deadline, and
// [abi.StatusInternal] otherwise.
func StatusOf(err error) abi.Status {
	if err == nil {
		return abi.StatusOK
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Status
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return abi.StatusTimeout
	}
	return abi.StatusInternal
}
