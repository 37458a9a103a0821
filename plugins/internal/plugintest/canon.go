package plugintest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"unicode/utf16"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// Canonical returns the RFC 8785 canonical form of the JSON document raw:
// object keys sorted by UTF-16 code units, no whitespace, minimal string
// escaping. Integers are printed exactly; floats in the shortest form that
// reads back (contracts contain none).
func Canonical(raw []byte) ([]byte, error) {
	v, err := jsonv.Parse(raw)
	if err != nil {
		return nil, err
	}
	return appendCanonical(nil, v), nil
}

func appendCanonical(dst []byte, v *jsonv.Value) []byte {
	switch v.Kind {
	case jsonv.Array:
		dst = append(dst, '[')
		for i, e := range v.Arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCanonical(dst, e)
		}
		return append(dst, ']')
	case jsonv.Object:
		keys := make([]string, v.Obj.Len())
		for i := range keys {
			keys[i], _ = v.Obj.At(i)
		}
		slices.SortFunc(keys, func(a, b string) int {
			return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
		})
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonv.AppendString(dst, k)
			dst = append(dst, ':')
			e, _ := v.Obj.Get(k)
			dst = appendCanonical(dst, e)
		}
		return append(dst, '}')
	case jsonv.Number:
		if v.N.Kind == jsonv.Float && v.N.F == float64(int64(v.N.F)) {
			return strconv.AppendInt(dst, int64(v.N.F), 10)
		}
		return jsonv.Append(dst, v)
	default:
		return jsonv.Append(dst, v)
	}
}

// SHA256Hex returns the lower-case hex SHA-256 of b.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ContractHash returns the contract hash of the registered provider, served
// with the "builtin" transport: SHA-256 of its canonical JSON.
func ContractHash() (string, error) {
	raw, err := sdk.ContractJSON("builtin")
	if err != nil {
		return "", err
	}
	c, err := Canonical(raw)
	if err != nil {
		return "", err
	}
	return SHA256Hex(c), nil
}

// SameJSON reports whether a and b are the same JSON value (as serde_json
// compares values; numbers must also agree in class). The sdk's envelope
// may escape characters differently from the module, so results are
// compared as values.
func SameJSON(a, b []byte) bool {
	va, err := jsonv.Parse(a)
	if err != nil {
		return false
	}
	vb, err := jsonv.Parse(b)
	if err != nil {
		return false
	}
	return jsonv.Equal(va, vb)
}
