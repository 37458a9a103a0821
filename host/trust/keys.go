package trust

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Key algorithms.
const (
	AlgECDSAP256 = "ecdsa-p256" // ASN.1 DER signature over SHA-256 (cosign sign-blob)
	AlgEd25519   = "ed25519"    // pure Ed25519 over the message
)

// PublicKey is an operator-trusted module-signing key with its scope.
type PublicKey struct {
	// Fingerprint is "sha256:" and the hex SHA-256 of the key's DER
	// SubjectPublicKeyInfo; a manifest's signer field names it.
	Fingerprint string
	// Algorithm is AlgECDSAP256 or AlgEd25519.
	Algorithm string
	// Scope lists the provider names the key may sign: exact names, or a
	// prefix ending in '*' ("acme.*"); "*" allows any name.
	Scope []string

	verifier signature.Verifier
}

// ParsePublicKey reads a PEM public key (ECDSA P-256 or Ed25519) trusted for
// the given scope. An empty scope allows no provider name.
func ParsePublicKey(pemBytes []byte, scope ...string) (*PublicKey, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("trust: public key: %w", err)
	}
	alg, hash, err := algorithm(pub)
	if err != nil {
		return nil, err
	}
	v, err := signature.LoadVerifier(pub, hash)
	if err != nil {
		return nil, fmt.Errorf("trust: public key: %w", err)
	}
	fp, err := Fingerprint(pub)
	if err != nil {
		return nil, err
	}
	for _, s := range scope {
		if s == "" || strings.Contains(strings.TrimSuffix(s, "*"), "*") {
			return nil, fmt.Errorf("trust: key scope %q: '*' is allowed only at the end", s)
		}
	}
	return &PublicKey{Fingerprint: fp, Algorithm: alg, Scope: append([]string(nil), scope...), verifier: v}, nil
}

// LoadPublicKey reads a PEM public key file; see [ParsePublicKey].
func LoadPublicKey(path string, scope ...string) (*PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	k, err := ParsePublicKey(b, scope...)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return k, nil
}

// algorithm returns the algorithm name and the hash sigstore's verifier
// needs for pub; only P-256 and Ed25519 are accepted.
func algorithm(pub crypto.PublicKey) (string, crypto.Hash, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return "", 0, fmt.Errorf("trust: ECDSA key on %s; only P-256 is accepted", k.Curve.Params().Name)
		}
		return AlgECDSAP256, crypto.SHA256, nil
	case ed25519.PublicKey:
		return AlgEd25519, crypto.Hash(0), nil
	}
	return "", 0, fmt.Errorf("trust: %T keys are not accepted; use ECDSA P-256 or Ed25519", pub)
}

// Fingerprint returns "sha256:<hex>" of pub's DER SubjectPublicKeyInfo.
func Fingerprint(pub crypto.PublicKey) (string, error) {
	der, err := cryptoutils.MarshalPublicKeyToDER(pub)
	if err != nil {
		return "", fmt.Errorf("trust: fingerprint: %w", err)
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// Allows reports whether the key's scope covers provider name.
func (k *PublicKey) Allows(name string) bool {
	for _, s := range k.Scope {
		if p, ok := strings.CutSuffix(s, "*"); ok {
			if strings.HasPrefix(name, p) {
				return true
			}
		} else if s == name {
			return true
		}
	}
	return false
}

// Verify checks a raw (decoded) signature over msg.
func (k *PublicKey) Verify(msg, sig []byte) error {
	return k.verifier.VerifySignature(bytes.NewReader(sig), bytes.NewReader(msg))
}

// String returns the algorithm and fingerprint.
func (k *PublicKey) String() string { return k.Algorithm + " " + k.Fingerprint }
