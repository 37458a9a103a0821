package sqlitedb

import (
	"context"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/decision-gate/dgw/host/errcode"
)

// Classify codes a database error: context errors keep their code, a lock
// that outlived the busy timeout is unavailable, coded errors keep their
// code, the rest is internal.
func Classify(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return &errcode.Error{Code: errcode.Of(cerr), Op: op, Err: err}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &errcode.Error{Code: errcode.Unavailable, Op: op, Err: err}
		}
	}
	return errcode.Wrap(errcode.Internal, op, err)
}
