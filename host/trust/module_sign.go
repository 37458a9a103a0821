package trust

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// SignManifest prepares and signs a manifest for wasm: it reads manifest
// (whose wasm and signer fields may be absent), sets wasm to the digest and
// size of the module and signer to key's fingerprint, encodes it
// ([Manifest.Encode]), checks the result with [ParseManifest], and signs
// those exact bytes. It returns the manifest to ship and the signature file
// content.
func SignManifest(manifest, wasm []byte, key *PrivateKey) (signed, sig []byte, err error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(manifest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, nil, fmt.Errorf("trust: sign: manifest: %w", err)
	}
	m.Wasm = Digest(wasm)
	m.Signer = key.Public().Fingerprint
	if signed, err = m.Encode(); err != nil {
		return nil, nil, err
	}
	if _, err := ParseManifest(signed); err != nil {
		return nil, nil, fmt.Errorf("trust: sign: %w", err)
	}
	if sig, err = key.Sign(signed); err != nil {
		return nil, nil, err
	}
	return signed, sig, nil
}
