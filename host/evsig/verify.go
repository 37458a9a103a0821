package evsig

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// Scheme is the only signature scheme.
const Scheme = "ed25519"

// The verification failures, with the reference's messages (spec §8.4).
var (
	ErrMissingSignature  = errors.New("missing evidence signature")
	ErrUnsupportedScheme = errors.New("unsupported signature scheme")
	ErrKeyNotAuthorized  = errors.New("signature key not authorized")
	ErrMissingValue      = errors.New("signed evidence has no value")
	ErrHashMismatch      = errors.New("evidence hash mismatch")
	ErrBadSignature      = errors.New("signature verification failed")
)

// Message returns the bytes that are signed for a digest: the canonical
// JSON of {"algorithm":…,"value":…}.
func Message(h evidence.HashDigest) ([]byte, error) {
	return canonjson.Marshal(h)
}

// Verify checks res against the key set and, when the result carries no
// evidence_hash, sets it to the computed one. On failure res is unchanged
// and the error wraps one of the Err variables.
func Verify(keys *KeySet, res *evidence.Result) error {
	sig := res.Signature
	if sig == nil {
		return ErrMissingSignature
	}
	if sig.Scheme != Scheme {
		return fmt.Errorf("%w: %q", ErrUnsupportedScheme, sig.Scheme)
	}
	pk, ok := keys.key(sig.KeyID)
	if !ok {
		return fmt.Errorf("%w: %q", ErrKeyNotAuthorized, sig.KeyID)
	}
	if res.Value == nil {
		return ErrMissingValue
	}
	h, _, err := res.Value.Hash()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrHashMismatch, err)
	}
	if res.EvidenceHash != nil && !res.EvidenceHash.Equal(h) {
		return ErrHashMismatch
	}
	msg, err := Message(h)
	if err != nil {
		return err
	}
	if !verifyStrict(pk, msg, sig.Signature) {
		return ErrBadSignature
	}
	if res.EvidenceHash == nil {
		res.EvidenceHash = &h
	}
	return nil
}

// Sign signs res with priv under keyID: it sets evidence_hash to the hash
// of the value and signature to the Ed25519 signature of its canonical
// digest. It is what a provider does; the server only verifies.
func Sign(priv ed25519.PrivateKey, keyID string, res *evidence.Result) error {
	if res.Value == nil {
		return ErrMissingValue
	}
	h, _, err := res.Value.Hash()
	if err != nil {
		return err
	}
	msg, err := Message(h)
	if err != nil {
		return err
	}
	res.EvidenceHash = &h
	res.Signature = &evidence.Signature{Scheme: Scheme, KeyID: keyID, Signature: ed25519.Sign(priv, msg)}
	return nil
}

// verifyStrict is Ed25519 verification that also refuses small-order
// public keys and R values and a non-canonical R.
func verifyStrict(pk ed25519.PublicKey, msg, sig []byte) bool {
	if len(sig) != ed25519.SignatureSize || len(pk) != ed25519.PublicKeySize {
		return false
	}
	if weakPoint(pk) || weakPoint(sig[:32]) || !canonicalY(sig[:32]) {
		return false
	}
	return ed25519.Verify(pk, msg, sig)
}
