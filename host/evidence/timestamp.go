package evidence

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// TimestampKind says which clock a [Timestamp] is on.
type TimestampKind uint8

// The two clocks.
const (
	UnixMillis TimestampKind = iota + 1 // wall-clock milliseconds since the Unix epoch (i64)
	Logical                             // a caller-defined logical counter (u64)
)

// Timestamp is a caller-supplied instant. The server never reads a clock for
// run state; every time comes from a request.
//
// Wire form: {"kind":"unix_millis","value":<i64>} or {"kind":"logical","value":<u64>}.
// The zero value is invalid and marshals as an error.
type Timestamp struct {
	Kind    TimestampKind
	Millis  int64  // when Kind == UnixMillis
	Counter uint64 // when Kind == Logical
}

// AtMillis returns a unix_millis timestamp.
func AtMillis(ms int64) Timestamp { return Timestamp{Kind: UnixMillis, Millis: ms} }

// AtLogical returns a logical timestamp.
func AtLogical(n uint64) Timestamp { return Timestamp{Kind: Logical, Counter: n} }

// String renders the value as a plain decimal (the form used in anchors).
func (t Timestamp) String() string {
	if t.Kind == Logical {
		return strconv.FormatUint(t.Counter, 10)
	}
	return strconv.FormatInt(t.Millis, 10)
}

// KindName returns "unix_millis" or "logical".
func (t Timestamp) KindName() string {
	if t.Kind == Logical {
		return "logical"
	}
	return "unix_millis"
}

// MarshalJSON implements [json.Marshaler].
func (t Timestamp) MarshalJSON() ([]byte, error) {
	switch t.Kind {
	case UnixMillis:
		b := append([]byte(`{"kind":"unix_millis","value":`), strconv.FormatInt(t.Millis, 10)...)
		return append(b, '}'), nil
	case Logical:
		b := append([]byte(`{"kind":"logical","value":`), strconv.FormatUint(t.Counter, 10)...)
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("evidence: timestamp has no kind")
}

// UnmarshalJSON implements [json.Unmarshaler].
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind  *string      `json:"kind"`
		Value *json.Number `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if raw.Kind == nil {
		return fmt.Errorf("timestamp: missing field `kind`")
	}
	if raw.Value == nil {
		return fmt.Errorf("timestamp: missing field `value`")
	}
	switch *raw.Kind {
	case "unix_millis":
		v, err := strconv.ParseInt(raw.Value.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("timestamp: unix_millis value must be an i64: %s", raw.Value)
		}
		*t = AtMillis(v)
	case "logical":
		v, err := strconv.ParseUint(raw.Value.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("timestamp: logical value must be a u64: %s", raw.Value)
		}
		*t = AtLogical(v)
	default:
		return fmt.Errorf("timestamp: unknown variant `%s`, expected `unix_millis` or `logical`", *raw.Kind)
	}
	return nil
}

// Equal reports whether two timestamps are the same instant on the same clock.
func (t Timestamp) Equal(o Timestamp) bool {
	return t.Kind == o.Kind && t.Millis == o.Millis && t.Counter == o.Counter
}
