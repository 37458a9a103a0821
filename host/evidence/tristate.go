package evidence

import "fmt"

// TriState is a strong-Kleene truth value. The zero value is Unknown, so a
// forgotten assignment can never pass a gate.
type TriState uint8

// The three values.
const (
	Unknown TriState = iota
	False
	True
)

// Of converts a bool.
func Of(b bool) TriState {
	if b {
		return True
	}
	return False
}

// Not swaps True and False and keeps Unknown.
func (t TriState) Not() TriState {
	switch t {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}

// String returns "True", "False" or "Unknown" (the wire form).
func (t TriState) String() string {
	switch t {
	case True:
		return "True"
	case False:
		return "False"
	}
	return "Unknown"
}

// Outcome returns the lower-case form used by branch rules.
func (t TriState) Outcome() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	}
	return "unknown"
}

// MarshalText implements [encoding.TextMarshaler].
func (t TriState) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (t *TriState) UnmarshalText(b []byte) error {
	switch string(b) {
	case "True":
		*t = True
	case "False":
		*t = False
	case "Unknown":
		*t = Unknown
	default:
		return fmt.Errorf("unknown tri-state `%s`, expected `True`, `False` or `Unknown`", b)
	}
	return nil
}
