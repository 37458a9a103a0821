package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// HashAlgorithm is the only supported digest algorithm.
const HashAlgorithm = "sha256"

// HashDigest is {"algorithm":"sha256","value":"<64 lowercase hex>"}.
type HashDigest struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// Equal reports whether both digests name the same algorithm and value.
func (h HashDigest) Equal(o HashDigest) bool { return h.Algorithm == o.Algorithm && h.Value == o.Value }

// String returns "sha256:<hex>".
func (h HashDigest) String() string { return h.Algorithm + ":" + h.Value }

// HashBytes returns the SHA-256 digest of b.
func HashBytes(b []byte) HashDigest {
	sum := sha256.Sum256(b)
	return HashDigest{Algorithm: HashAlgorithm, Value: hex.EncodeToString(sum[:])}
}

// HashJSON returns the digest of the canonical JSON (RFC 8785) of v.
func HashJSON(v any) (HashDigest, error) {
	b, err := canonjson.Marshal(v)
	if err != nil {
		return HashDigest{}, fmt.Errorf("hashing error: %w", err)
	}
	return HashBytes(b), nil
}

// HashCanonical canonicalises a JSON document and returns its digest and
// canonical length.
func HashCanonical(doc []byte) (HashDigest, int, error) {
	b, err := canonjson.Transform(doc)
	if err != nil {
		return HashDigest{}, 0, fmt.Errorf("hashing error: %w", err)
	}
	return HashBytes(b), len(b), nil
}
