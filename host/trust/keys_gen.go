package trust

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// PrivateKey is a module-signing key. Its LogValue is redacted.
type PrivateKey struct {
	signer signature.Signer
	public *PublicKey
}

// GenerateKey makes a key pair of algorithm alg ([AlgECDSAP256] or
// [AlgEd25519]) and returns it PEM encoded. With a nil password the private
// key is plain PKCS#8 ("PRIVATE KEY"); otherwise it is encrypted in cosign's
// format ("ENCRYPTED SIGSTORE PRIVATE KEY"), which cosign reads too.
func GenerateKey(alg string, password []byte) (privPEM, pubPEM []byte, err error) {
	var priv crypto.Signer
	switch alg {
	case AlgECDSAP256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case AlgEd25519:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, nil, fmt.Errorf("trust: key algorithm %q; want %s or %s", alg, AlgECDSAP256, AlgEd25519)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("trust: generate key: %w", err)
	}
	if pubPEM, err = cryptoutils.MarshalPublicKeyToPEM(priv.Public()); err != nil {
		return nil, nil, fmt.Errorf("trust: encode public key: %w", err)
	}
	if password == nil {
		privPEM, err = cryptoutils.MarshalPrivateKeyToPEM(priv)
	} else {
		var der []byte
		der, err = cryptoutils.MarshalPrivateKeyToEncryptedDER(priv, cryptoutils.StaticPasswordFunc(password))
		privPEM = cryptoutils.PEMEncode(cryptoutils.EncryptedSigstorePrivateKeyPEMType, der)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("trust: encode private key: %w", err)
	}
	return privPEM, pubPEM, nil
}

// ParsePrivateKey reads a PEM private key: plain PKCS#8, SEC 1 EC, or
// cosign's encrypted format (which needs password). Only P-256 and Ed25519
// keys are accepted.
func ParsePrivateKey(pemBytes, password []byte) (*PrivateKey, error) {
	var pf cryptoutils.PassFunc
	if password != nil {
		pf = cryptoutils.StaticPasswordFunc(password)
	}
	key, err := cryptoutils.UnmarshalPEMToPrivateKey(pemBytes, pf)
	if err != nil {
		return nil, fmt.Errorf("trust: private key: %w", err)
	}
	cs, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("trust: private key of type %T cannot sign", key)
	}
	_, hash, err := algorithm(cs.Public())
	if err != nil {
		return nil, err
	}
	s, err := signature.LoadSigner(key, hash)
	if err != nil {
		return nil, fmt.Errorf("trust: private key: %w", err)
	}
	pubPEM, err := cryptoutils.MarshalPublicKeyToPEM(cs.Public())
	if err != nil {
		return nil, fmt.Errorf("trust: private key: %w", err)
	}
	pub, err := ParsePublicKey(pubPEM)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{signer: s, public: pub}, nil
}

// Public returns the key's public half, with an empty scope.
func (k *PrivateKey) Public() *PublicKey { return k.public }

// Sign signs msg and returns the signature file content: the base64
// (standard, padded) signature and a newline, as cosign sign-blob writes it.
func (k *PrivateKey) Sign(msg []byte) ([]byte, error) {
	sig, err := k.signer.SignMessage(bytes.NewReader(msg))
	if err != nil {
		return nil, fmt.Errorf("trust: sign: %w", err)
	}
	return append([]byte(base64.StdEncoding.EncodeToString(sig)), '\n'), nil
}

// LogValue implements [slog.LogValuer]: a private key logs as its
// fingerprint only.
func (k *PrivateKey) LogValue() slog.Value {
	return slog.StringValue("private key " + k.public.Fingerprint)
}
