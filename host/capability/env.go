package capability

import (
	"slices"

	"github.com/decision-gate/dgw/abi"
)

// Defaults of [EnvGrant].
const (
	DefaultMaxKeyBytes   = 255
	DefaultMaxValueBytes = 65536
)

// AnyName is the allowlist entry that allows every environment variable
// not on the denylist. It must be written explicitly.
const AnyName = "*"

// EnvGrant is the env/v1/get grant.
//
// Allowlist holds exact variable names ([AnyName] allows all; nil or empty
// allows none). Denylist wins over Allowlist. MaxKeyBytes and MaxValueBytes
// cap sizes (0 means the default). When Overrides is non-nil the variable is
// looked up only there, never in the process environment.
type EnvGrant struct {
	Allowlist     []string          `json:"allowlist"`
	Denylist      []string          `json:"denylist"`
	MaxKeyBytes   int               `json:"max_key_bytes"`
	MaxValueBytes int               `json:"max_value_bytes"`
	Overrides     map[string]string `json:"overrides"`
}

// Get returns the value of key, checking in this order: key size
// ([abi.StatusLimit]), denylist and allowlist ([abi.StatusDenied]), lookup
// in Overrides or through lookup ([abi.StatusNotFound] when unset), value
// size ([abi.StatusLimit]). lookup reads the process environment
// ([os.LookupEnv] in the host); it is a parameter so that the check stays a
// function of the grant. A nil grant denies.
func (g *EnvGrant) Get(key string, lookup func(string) (string, bool)) (string, error) {
	const name = abi.CapEnvGet
	if g == nil {
		return "", fail(name, abi.StatusDenied, "not granted")
	}
	if key == "" {
		return "", fail(name, abi.StatusInvalid, "empty key")
	}
	if len(key) > orDefault(g.MaxKeyBytes, DefaultMaxKeyBytes) {
		return "", fail(name, abi.StatusLimit, "key is %d bytes, limit %d", len(key), orDefault(g.MaxKeyBytes, DefaultMaxKeyBytes))
	}
	if slices.Contains(g.Denylist, key) {
		return "", fail(name, abi.StatusDenied, "key %q is on the denylist", key)
	}
	if !slices.Contains(g.Allowlist, AnyName) && !slices.Contains(g.Allowlist, key) {
		return "", fail(name, abi.StatusDenied, "key %q is not on the allowlist", key)
	}
	var v string
	var ok bool
	if g.Overrides != nil {
		v, ok = g.Overrides[key]
	} else {
		v, ok = lookup(key)
	}
	if !ok {
		return "", fail(name, abi.StatusNotFound, "key %q is not set", key)
	}
	if max := orDefault(g.MaxValueBytes, DefaultMaxValueBytes); len(v) > max {
		return "", fail(name, abi.StatusLimit, "value of %q is %d bytes, limit %d", key, len(v), max)
	}
	return v, nil
}

// intersectNames returns the names both lists allow, with [AnyName] on one
// side meaning "whatever the other side says".
func intersectNames(requested, granted []string) []string {
	switch {
	case slices.Contains(requested, AnyName):
		return slices.Clone(granted)
	case slices.Contains(granted, AnyName):
		return slices.Clone(requested)
	}
	var out []string
	for _, n := range requested {
		if slices.Contains(granted, n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
