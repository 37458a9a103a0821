package registry

import (
	"context"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// The registry's expected failures. Errors returned by [Registry] methods
// wrap these (test with errors.Is) and carry their codes; errcode.Message
// gives the text shown to clients.
var (
	// ErrNotFound (not_found): no record under the requested key.
	ErrNotFound = driver.ErrNotFound
	// ErrAlreadyRegistered (conflict): the key is taken; records are
	// immutable.
	ErrAlreadyRegistered = driver.ErrExists
	// ErrMaxEntries (conflict): the tenant and namespace hold max_entries
	// records.
	ErrMaxEntries = driver.ErrFull
	// ErrSigningRequired (permission_denied): require_signing is on and the
	// record has no signing metadata, or a blank key_id or signature.
	ErrSigningRequired = errcode.New(errcode.PermissionDenied, "schema signing required")
	// ErrInvalidCursor (invalid_argument): a list cursor that is not the
	// JSON text of {"schema_id":…,"version":…}.
	ErrInvalidCursor = errcode.New(errcode.InvalidArgument, "invalid cursor")
	// ErrClosed (unavailable): the registry was closed.
	ErrClosed = driver.ErrClosed
)

// contextError codes ctx.Err() as canceled or deadline_exceeded.
func contextError(op string, ctx context.Context) error {
	err := ctx.Err()
	return &errcode.Error{Code: errcode.Of(err), Op: op, Err: err}
}
