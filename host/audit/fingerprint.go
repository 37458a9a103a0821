package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
)

// TokenFingerprint identifies a bearer token by its SHA-256 without
// revealing it. The only way to build a non-zero one is [FingerprintToken],
// so code that handles a fingerprint cannot hold the token by mistake. The
// zero value means "no token" and encodes as null.
type TokenFingerprint struct {
	hex string // lowercase hex SHA-256 of the token, or ""
}

// FingerprintToken hashes a bearer token. The token itself is not kept.
func FingerprintToken(token string) TokenFingerprint {
	sum := sha256.Sum256([]byte(token))
	return TokenFingerprint{hex: hex.EncodeToString(sum[:])}
}

// ParseFingerprint accepts an already computed fingerprint: exactly 64
// lowercase hex characters (a SHA-256 digest, never a token).
func ParseFingerprint(digest string) (TokenFingerprint, error) {
	if len(digest) != 2*sha256.Size {
		return TokenFingerprint{}, fmt.Errorf("audit: fingerprint must be %d hex characters", 2*sha256.Size)
	}
	for _, c := range digest {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return TokenFingerprint{}, fmt.Errorf("audit: fingerprint must be lowercase hex")
		}
	}
	return TokenFingerprint{hex: digest}, nil
}

// IsZero reports whether f fingerprints no token.
func (f TokenFingerprint) IsZero() bool { return f.hex == "" }

// String returns the 64-character lowercase hex digest, or "".
func (f TokenFingerprint) String() string { return f.hex }

// PrincipalID returns the principal id of a bearer caller, "token:<hex>"
// (spec §7.1), or "" for the zero fingerprint.
func (f TokenFingerprint) PrincipalID() string {
	if f.hex == "" {
		return ""
	}
	return "token:" + f.hex
}

// MarshalJSON encodes the hex digest, or null for the zero value.
func (f TokenFingerprint) MarshalJSON() ([]byte, error) {
	if f.hex == "" {
		return []byte("null"), nil
	}
	return []byte(`"` + f.hex + `"`), nil
}

// LogValue renders the digest in slog output.
func (f TokenFingerprint) LogValue() slog.Value { return slog.StringValue(f.hex) }

var _ slog.LogValuer = TokenFingerprint{}
