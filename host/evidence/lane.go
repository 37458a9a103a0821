package evidence

import "fmt"

// TrustLane says how an evidence result was obtained. Verified outranks
// asserted.
type TrustLane uint8

// The lanes, in rank order. The zero value is Verified, the default when a
// result omits its lane.
const (
	Verified TrustLane = iota
	Asserted
)

// Rank is 1 for verified and 0 for asserted.
func (l TrustLane) Rank() int {
	if l == Asserted {
		return 0
	}
	return 1
}

// String returns the wire name.
func (l TrustLane) String() string {
	if l == Asserted {
		return "asserted"
	}
	return "verified"
}

// DebugName returns the capitalised name used in trust-lane error messages.
func (l TrustLane) DebugName() string {
	if l == Asserted {
		return "Asserted"
	}
	return "Verified"
}

// Satisfies reports whether l meets the requirement min.
func (l TrustLane) Satisfies(min TrustLane) bool { return l.Rank() >= min.Rank() }

// Stricter returns the stricter of two lanes.
func Stricter(a, b TrustLane) TrustLane {
	if a.Rank() >= b.Rank() {
		return a
	}
	return b
}

// ParseTrustLane parses "verified" or "asserted".
func ParseTrustLane(s string) (TrustLane, error) {
	switch s {
	case "verified":
		return Verified, nil
	case "asserted":
		return Asserted, nil
	}
	return 0, fmt.Errorf("unknown trust lane `%s`, expected `verified` or `asserted`", s)
}

// MarshalText implements [encoding.TextMarshaler].
func (l TrustLane) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (l *TrustLane) UnmarshalText(b []byte) error {
	v, err := ParseTrustLane(string(b))
	*l = v
	return err
}

// TrustRequirement is {"min_lane": TrustLane}.
type TrustRequirement struct {
	MinLane TrustLane `json:"min_lane"`
}
