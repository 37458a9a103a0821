package evidence

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// ByteArray is a byte string on the wire as a JSON array of integers 0..255
// (never base64).
type ByteArray []byte

// MarshalJSON implements [json.Marshaler].
func (b ByteArray) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 2+len(b)*4)
	out = append(out, '[')
	for i, v := range b {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendUint(out, uint64(v), 10)
	}
	return append(out, ']'), nil
}

// UnmarshalJSON implements [json.Unmarshaler]. Every element must be an
// integer 0..255.
func (b *ByteArray) UnmarshalJSON(data []byte) error {
	var nums []json.Number
	if err := json.Unmarshal(data, &nums); err != nil {
		return fmt.Errorf("byte array: expected an array of integers 0..255")
	}
	out := make([]byte, len(nums))
	for i, n := range nums {
		v, err := strconv.ParseUint(n.String(), 10, 8)
		if err != nil {
			return fmt.Errorf("byte array: element %d is not an integer 0..255: %s", i, n)
		}
		out[i] = byte(v)
	}
	*b = out
	return nil
}
