package trust

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/errcode"
)

// Sentinels of [VerifyModule] and [Manifest.MatchModule]. Each comes wrapped
// in an errcode.SignatureInvalid error whose message names the file at
// fault; test with [errors.Is].
var (
	// ErrUnsigned: there is no signature and unsigned modules are not allowed.
	ErrUnsigned = errors.New("module is not signed")
	// ErrBadSignature: the signature file is not a base64 signature.
	ErrBadSignature = errors.New("signature file is malformed")
	// ErrNoTrustedKeys: a signature needs checking but no key is trusted.
	ErrNoTrustedKeys = errors.New("no trusted module-signing keys")
	// ErrUntrustedSigner: the signature was made by a key that is not
	// trusted (the wrong signer key).
	ErrUntrustedSigner = errors.New("signed by an untrusted key")
	// ErrManifestTampered: the signature does not verify over the manifest,
	// so the manifest (its digest, capability request or limits) or the
	// signature changed after signing.
	ErrManifestTampered = errors.New("manifest modified after signing")
	// ErrKeyScope: the key is trusted but not for this provider name.
	ErrKeyScope = errors.New("key not allowed to sign this provider")
	// ErrModuleTampered: the module bytes do not match the manifest digest.
	ErrModuleTampered = errors.New("module modified after signing")
)

// ModuleFiles is the input of [VerifyModule]. The names are used in error
// messages only ("env.wasm", "builtin:env/provider.json", a path).
type ModuleFiles struct {
	ModuleName, ManifestName, SignatureName string
	Module, Manifest, Signature             []byte
}

// Verified is a manifest whose signature, key scope and module digest
// checked out.
type Verified struct {
	Manifest *Manifest
	Signer   *PublicKey // nil when the module was accepted unsigned
}

// VerifyModule checks a module's files offline, in this order: the manifest
// parses; the signature verifies over the exact manifest bytes with a trusted
// key (the one the manifest's signer field names, else any of keys); that
// key's scope allows the manifest name; the module's sha256 and size match
// the manifest. Only then may the module be compiled.
//
// With allowUnsigned, an absent (empty) signature is accepted and the result
// has no Signer; a present signature is still checked and must verify.
//
// # Errors
//
// errcode.SignatureInvalid wrapping one of the sentinels above;
// errcode.ABIMismatch or errcode.InvalidArgument from [ParseManifest].
func VerifyModule(f ModuleFiles, keys []*PublicKey, allowUnsigned bool) (*Verified, error) {
	m, err := ParseManifest(f.Manifest)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, "trust: "+f.ManifestName, err)
	}
	v := &Verified{Manifest: m}
	if len(bytes.TrimSpace(f.Signature)) == 0 {
		if !allowUnsigned {
			return nil, signatureError(fmt.Errorf("%w: %s has no signature (%s is missing or empty) and unsigned modules are not allowed",
				ErrUnsigned, f.ManifestName, f.SignatureName))
		}
	} else if v.Signer, err = checkSignature(f, m, keys); err != nil {
		return nil, err
	}
	if err := m.MatchModule(f.ModuleName, f.Module); err != nil {
		return nil, err
	}
	return v, nil
}

func checkSignature(f ModuleFiles, m *Manifest, keys []*PublicKey) (*PublicKey, error) {
	sig, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(f.Signature)))
	if err != nil {
		return nil, signatureError(fmt.Errorf("%w: %s: not base64: %v", ErrBadSignature, f.SignatureName, err))
	}
	if len(keys) == 0 {
		return nil, signatureError(fmt.Errorf("%w: cannot check %s", ErrNoTrustedKeys, f.SignatureName))
	}
	var signer *PublicKey
	if m.Signer != "" {
		for _, k := range keys {
			if k.Fingerprint == m.Signer {
				signer = k
			}
		}
		if signer == nil {
			return nil, signatureError(fmt.Errorf("%w: %s names signer %s, which is not among the %d trusted keys",
				ErrUntrustedSigner, f.ManifestName, m.Signer, len(keys)))
		}
		if signer.Verify(f.Manifest, sig) != nil {
			return nil, signatureError(fmt.Errorf("%w: %s: signature %s does not verify with key %s; the manifest (digest, capabilities or limits) or the signature changed after signing",
				ErrManifestTampered, f.ManifestName, f.SignatureName, signer.Fingerprint))
		}
	} else {
		for _, k := range keys {
			if k.Verify(f.Manifest, sig) == nil {
				signer = k
				break
			}
		}
		if signer == nil {
			return nil, signatureError(fmt.Errorf("%w: %s: signature %s verifies with none of the %d trusted keys (wrong signer key, or the manifest changed after signing; add a signer field to tell them apart)",
				ErrManifestTampered, f.ManifestName, f.SignatureName, len(keys)))
		}
	}
	if !signer.Allows(m.Name) {
		return nil, signatureError(fmt.Errorf("%w: %s: key %s may sign %q, not provider %q",
			ErrKeyScope, f.ManifestName, signer.Fingerprint, signer.Scope, m.Name))
	}
	return signer, nil
}

func signatureError(err error) error {
	return &errcode.Error{Code: errcode.SignatureInvalid, Op: "trust: verify module", Err: err}
}
