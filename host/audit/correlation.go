package audit

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/decision-gate/dgw/host/errcode"
)

// Correlation headers and limits (spec §7.12).
const (
	// ClientCorrelationHeader carries the caller's (untrusted) id.
	ClientCorrelationHeader = "x-correlation-id"
	// ServerCorrelationHeader carries the id the server issued.
	ServerCorrelationHeader = "x-server-correlation-id"
	// MaxClientCorrelationIDLen caps a client id after trimming.
	MaxClientCorrelationIDLen = 128
)

// ErrInvalidCorrelationID matches every error from
// [SanitizeClientCorrelationID] under errors.Is.
var ErrInvalidCorrelationID = errors.New("invalid correlation id")

// Rejection says why a client correlation id was rejected. The values are
// stable labels, fit for audit messages.
type Rejection string

// The rejection reasons, in the order they are checked.
const (
	RejectEmpty      Rejection = "empty_after_trim"
	RejectTooLong    Rejection = "too_long"
	RejectNonASCII   Rejection = "non_ascii"
	RejectWhitespace Rejection = "contains_whitespace"
	RejectControl    Rejection = "contains_control_char"
	RejectDisallowed Rejection = "contains_disallowed_char"
)

// CorrelationIDError is a rejected client correlation id. It carries the
// reason only, never the offending value, which is untrusted.
type CorrelationIDError struct {
	Reason Rejection
}

// Error returns "invalid correlation id: <reason>".
func (e *CorrelationIDError) Error() string {
	return fmt.Sprintf("%s: %s", ErrInvalidCorrelationID, e.Reason)
}

// Is reports whether target is [ErrInvalidCorrelationID].
func (e *CorrelationIDError) Is(target error) bool { return target == ErrInvalidCorrelationID }

// SanitizeClientCorrelationID validates a client correlation id and returns
// it trimmed of surrounding (Unicode) whitespace. A valid id is 1 to 128
// ASCII characters, every one an RFC 7230 token character: a letter, a
// digit or one of !#$%&'*+-.^_`|~. An invalid id is rejected, never
// repaired or dropped.
//
// # Errors
//
// InvalidArgument wrapping a [*CorrelationIDError] (which matches
// [ErrInvalidCorrelationID]).
func SanitizeClientCorrelationID(s string) (string, error) {
	t := strings.TrimSpace(s)
	if r := check(t); r != "" {
		return "", errcode.Wrap(errcode.InvalidArgument, "", &CorrelationIDError{Reason: r})
	}
	return t, nil
}

// check returns why the trimmed id t is invalid, or "".
func check(t string) Rejection {
	if t == "" {
		return RejectEmpty
	}
	if len(t) > MaxClientCorrelationIDLen {
		return RejectTooLong
	}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= 0x80:
			return RejectNonASCII
		case c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r':
			return RejectWhitespace
		case c < 0x20 || c == 0x7f:
			return RejectControl
		case !isTokenChar(c):
			return RejectDisallowed
		}
	}
	return ""
}

// isTokenChar reports whether c is an RFC 7230 tchar.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// IDGenerator issues server correlation ids "dg-<boot>-<seq>": a random
// 64-bit boot id and a counter starting at 1, each as 16 lowercase hex
// digits. It is safe for concurrent use; ids are unique for its lifetime.
type IDGenerator struct {
	boot uint64
	seq  atomic.Uint64 // last issued sequence number
}

// NewIDGenerator returns a generator with a boot id from crypto/rand.
func NewIDGenerator() *IDGenerator {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails; the runtime aborts if the OS source is broken
	return NewIDGeneratorWithBootID(binary.BigEndian.Uint64(b[:]))
}

// NewIDGeneratorWithBootID returns a generator with a fixed boot id, for
// tests and reproducible traces.
func NewIDGeneratorWithBootID(boot uint64) *IDGenerator { return &IDGenerator{boot: boot} }

// BootID returns the generator's boot id.
func (g *IDGenerator) BootID() uint64 { return g.boot }

// Next issues the next id.
func (g *IDGenerator) Next() string {
	return fmt.Sprintf("dg-%016x-%016x", g.boot, g.seq.Add(1))
}
