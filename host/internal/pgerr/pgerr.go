// Package pgerr classifies PostgreSQL driver errors into host/errcode
// codes for the PostgreSQL backends (run store and schema registry).
package pgerr

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/decision-gate/dgw/host/errcode"
)

// Classify codes a database error: context errors keep their code, coded
// errors keep theirs, a server or connection that cannot serve now is
// unavailable, the rest is internal.
func Classify(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return &errcode.Error{Code: errcode.Of(cerr), Op: op, Err: err}
	}
	var ce *errcode.Error
	if errors.As(err, &ce) {
		return errcode.Wrap(ce.Code, op, err)
	}
	if Transient(err) {
		return &errcode.Error{Code: errcode.Unavailable, Op: op, Err: err}
	}
	return &errcode.Error{Code: errcode.Internal, Op: op, Err: err}
}

// Transient reports failures that say nothing about the request: the server
// is unreachable, restarting, out of connections, or aborted the
// transaction to resolve a lock or serialisation conflict.
func Transient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) == 5 && pe.Code[:2] == "08": // connection_exception
			return true
		case pe.Code == "40001", pe.Code == "40P01": // serialization_failure, deadlock_detected
			return true
		case pe.Code == "53300", pe.Code == "53400": // too_many_connections, configuration_limit_exceeded
			return true
		case pe.Code == "55P03": // lock_not_available
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return false
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}
