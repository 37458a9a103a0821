package abi

import "fmt"

// Status is what a host function answers: a non-negative value is a length
// (or 0 for success), a negative value one of the codes below. The module
// reads it; the host writes it. Details of a failure go to the host's audit
// log, never to the module, so that a denial does not leak information.
type Status int32

// The status codes.
const (
	StatusOK          Status = 0
	StatusDenied      Status = -1 // capability not granted, or target not allowlisted
	StatusNotFound    Status = -2 // env var or file missing; nothing parked for result_take
	StatusInvalid     Status = -3 // malformed request (bad JSON, bad URL, absolute path, bad level)
	StatusLimit       Status = -4 // a size, count or rate cap was hit
	StatusUpstream    Status = -5 // network or filesystem failure
	StatusTimeout     Status = -6 // the call's deadline passed
	StatusInternal    Status = -7 // the host failed
	StatusOutsideRoot Status = -8 // fs: the path resolves outside the granted root
	StatusTruncated   Status = -9 // http: the body is shorter than its Content-Length
)

var statusNames = map[Status]string{
	StatusOK:          "ok",
	StatusDenied:      "denied",
	StatusNotFound:    "not_found",
	StatusInvalid:     "invalid",
	StatusLimit:       "limit",
	StatusUpstream:    "upstream",
	StatusTimeout:     "timeout",
	StatusInternal:    "internal",
	StatusOutsideRoot: "outside_root",
	StatusTruncated:   "truncated",
}

// String returns the snake_case name of the status ("denied", "limit", …).
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("status(%d)", int32(s))
}

// Known reports whether s is one of the defined codes.
func (s Status) Known() bool {
	_, ok := statusNames[s]
	return ok
}

// ParseStatus parses a name as returned by [Status.String].
func ParseStatus(name string) (Status, bool) {
	for s, n := range statusNames {
		if n == name {
			return s, true
		}
	}
	return 0, false
}

// MarshalText implements [encoding.TextMarshaler] with the status name.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Known() {
		return nil, fmt.Errorf("abi: unknown status %d", int32(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *Status) UnmarshalText(b []byte) error {
	v, ok := ParseStatus(string(b))
	if !ok {
		return fmt.Errorf("abi: unknown status %q", b)
	}
	*s = v
	return nil
}
