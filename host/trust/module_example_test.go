package trust_test

import (
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/trust"
)

func ExampleVerifyModule() {
	// Author side: a key pair and a signed manifest.
	privPEM, pubPEM, _ := trust.GenerateKey(trust.AlgEd25519, nil)
	key, _ := trust.ParsePrivateKey(privPEM, nil)
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	manifest, sig, _ := trust.SignManifest([]byte(`{"abi":"pv1","name":"acme.ping","version":"1.0.0"}`), wasm, key)

	// Operator side: the public key, trusted for acme.* providers.
	pub, _ := trust.ParsePublicKey(pubPEM, "acme.*")
	files := trust.ModuleFiles{
		ModuleName: "ping.wasm", ManifestName: "provider.json", SignatureName: "provider.json.sig",
		Module: wasm, Manifest: manifest, Signature: sig,
	}
	v, err := trust.VerifyModule(files, []*trust.PublicKey{pub}, false)
	fmt.Println(v.Manifest.Name, v.Signer == pub, err)

	files.Module = append(files.Module, 0)
	_, err = trust.VerifyModule(files, []*trust.PublicKey{pub}, false)
	fmt.Println(errors.Is(err, trust.ErrModuleTampered))
	// Output:
	// acme.ping true <nil>
	// true
}
