package config

import (
	"fmt"
	"log/slog"
	"strconv"
)

// redacted is what every rendering of a set [Secret] prints.
const redacted = "[REDACTED]"

// Secret is a credential read from the config file: a bearer token, an
// AssetCore auth token. Its value never prints: String, fmt verbs, slog and
// text marshalling all render "[REDACTED]" (or "" when unset). Only
// [Secret.Reveal] returns the value, so every use of it is greppable.
//
// The zero Secret is unset.
type Secret struct {
	value string
}

// NewSecret wraps value. It is meant for tests and for code that builds a
// [Config] by hand.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the secret value. Call it only where the value is sent to
// its destination (an Authorization header, a comparison).
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether the secret has a non-empty value.
func (s Secret) IsSet() bool { return s.value != "" }

// String returns "[REDACTED]" for a set secret and "" for an unset one.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return redacted
}

// Format renders the redacted form for every verb, including %#v, %x and
// %d, which would otherwise print the value through the struct field.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = f.Write([]byte(strconv.Quote(s.String())))
		return
	}
	_, _ = f.Write([]byte(s.String()))
}

// LogValue implements [slog.LogValuer] with the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements [encoding.TextMarshaler] with the redacted form,
// so JSON or TOML dumps of a [Config] do not leak credentials either.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalTOML implements [toml.Unmarshaler]: only a TOML string is
// accepted.
func (s *Secret) UnmarshalTOML(v any) error {
	str, ok := v.(string)
	if !ok {
		return typeMismatch(v, "string")
	}
	s.value = str
	return nil
}

// typeMismatch words a wrong TOML type the way BurntSushi/toml does.
func typeMismatch(v any, want string) error {
	return fmt.Errorf("incompatible types: TOML value has type %s; destination has type %s", tomlTypeName(v), want)
}

// tomlTypeName names the Go type BurntSushi/toml decodes a TOML value into.
func tomlTypeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "map[string]any"
	case []map[string]any:
		return "[]map[string]any"
	case []any:
		return "[]any"
	default:
		return fmt.Sprintf("%T", v)
	}
}

var (
	_ fmt.Stringer   = Secret{}
	_ fmt.Formatter  = Secret{}
	_ slog.LogValuer = Secret{}
)
