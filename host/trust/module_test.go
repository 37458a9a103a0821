package trust

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
)

const skeleton = `{"abi":"pv1","name":"acme.junit","version":"1.0.0",
  "capabilities":{"fs/v1/read":{"max_bytes":1024}},"limits":{"timeout_ms":1000}}`

type signedModule struct {
	wasm, manifest, sig []byte
	key                 *PrivateKey
	pub                 *PublicKey
}

func newSigned(t *testing.T, alg string, scope ...string) signedModule {
	t.Helper()
	privPEM, pubPEM, err := GenerateKey(alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParsePrivateKey(privPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pubPEM, scope...)
	if err != nil {
		t.Fatal(err)
	}
	wasm := []byte("\x00asm\x01\x00\x00\x00 pretend module")
	manifest, sig, err := SignManifest([]byte(skeleton), wasm, key)
	if err != nil {
		t.Fatal(err)
	}
	return signedModule{wasm: wasm, manifest: manifest, sig: sig, key: key, pub: pub}
}

func files(wasm, manifest, sig []byte) ModuleFiles {
	return ModuleFiles{
		ModuleName: "junit.wasm", ManifestName: "provider.json", SignatureName: "provider.json.sig",
		Module: wasm, Manifest: manifest, Signature: sig,
	}
}

func TestVerifyModule(t *testing.T) {
	good := newSigned(t, AlgECDSAP256, "acme.*")
	ed := newSigned(t, AlgEd25519, "*")
	other := newSigned(t, AlgECDSAP256, "*")
	narrow := newSigned(t, AlgECDSAP256, "time")

	withoutSigner, _ := ParseManifest(good.manifest)
	withoutSigner.Signer = ""
	anonManifest, _ := withoutSigner.Encode()
	anonSig, _ := good.key.Sign(anonManifest)

	escalated := bytes.Replace(good.manifest, []byte(`"fs/v1/read"`), []byte(`"http/v1/fetch": {"hosts": ["*"]},
    "fs/v1/read"`), 1)
	redigested := bytes.Replace(good.manifest, []byte(Digest(good.wasm).SHA256), []byte(Digest([]byte("evil")).SHA256), 1)
	evilWasm := append(append([]byte(nil), good.wasm...), "evil"...)

	cases := []struct {
		name          string
		f             ModuleFiles
		keys          []*PublicKey
		allowUnsigned bool
		want          error    // nil: success
		msg           []string // substrings of the message
		unsigned      bool
	}{
		{"ecdsa signed", files(good.wasm, good.manifest, good.sig), []*PublicKey{other.pub, good.pub}, false, nil, nil, false},
		{"ed25519 signed", files(ed.wasm, ed.manifest, ed.sig), []*PublicKey{ed.pub}, false, nil, nil, false},
		{"no signer field", files(good.wasm, anonManifest, anonSig), []*PublicKey{other.pub, good.pub}, false, nil, nil, false},
		{"unsigned refused", files(good.wasm, good.manifest, nil), []*PublicKey{good.pub}, false, ErrUnsigned, []string{"provider.json", "provider.json.sig"}, false},
		{"unsigned allowed", files(good.wasm, good.manifest, []byte("  \n")), nil, true, nil, nil, true},
		{"unsigned allowed, module still checked", files(evilWasm, good.manifest, nil), nil, true, ErrModuleTampered, []string{"junit.wasm"}, false},
		{"bad signature never ignored", files(good.wasm, escalated, good.sig), []*PublicKey{good.pub}, true, ErrManifestTampered, []string{"provider.json"}, false},
		{"tampered module", files(evilWasm, good.manifest, good.sig), []*PublicKey{good.pub}, false, ErrModuleTampered, []string{"junit.wasm", "modified after signing"}, false},
		{"tampered manifest digest", files([]byte("evil"), redigested, good.sig), []*PublicKey{good.pub}, false, ErrManifestTampered, []string{"provider.json", "changed after signing"}, false},
		{"capability escalation", files(good.wasm, escalated, good.sig), []*PublicKey{good.pub}, false, ErrManifestTampered, []string{"provider.json", "capabilities"}, false},
		{"wrong signer key", files(good.wasm, good.manifest, good.sig), []*PublicKey{other.pub}, false, ErrUntrustedSigner, []string{"provider.json", good.pub.Fingerprint}, false},
		{"wrong key without signer field", files(good.wasm, anonManifest, anonSig), []*PublicKey{other.pub}, false, ErrManifestTampered, []string{"none of the 1 trusted keys"}, false},
		{"signature swapped", files(good.wasm, good.manifest, other.sig), []*PublicKey{good.pub, other.pub}, false, ErrManifestTampered, []string{"provider.json.sig"}, false},
		{"out of scope", files(narrow.wasm, narrow.manifest, narrow.sig), []*PublicKey{narrow.pub}, false, ErrKeyScope, []string{`"acme.junit"`}, false},
		{"not base64", files(good.wasm, good.manifest, []byte("%%%")), []*PublicKey{good.pub}, false, ErrBadSignature, []string{"provider.json.sig"}, false},
		{"no keys", files(good.wasm, good.manifest, good.sig), nil, false, ErrNoTrustedKeys, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := VerifyModule(tc.f, tc.keys, tc.allowUnsigned)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if (v.Signer == nil) != tc.unsigned || v.Manifest.Name != "acme.junit" {
					t.Fatalf("verified %+v", v)
				}
				return
			}
			if !errors.Is(err, tc.want) || errcode.Of(err) != errcode.SignatureInvalid {
				t.Fatalf("err = %v (code %s), want %v", err, errcode.Of(err), tc.want)
			}
			for _, s := range tc.msg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err, s)
				}
			}
			for _, other := range []error{ErrUnsigned, ErrBadSignature, ErrNoTrustedKeys, ErrUntrustedSigner, ErrManifestTampered, ErrKeyScope, ErrModuleTampered} {
				if other != tc.want && errors.Is(err, other) {
					t.Errorf("error is also %v", other)
				}
			}
		})
	}
}

func TestParseManifest(t *testing.T) {
	good := newSigned(t, AlgEd25519, "*")
	m, err := ParseManifest(good.manifest)
	if err != nil {
		t.Fatal(err)
	}
	if m.Limits.TimeoutMS != 1000 || m.Signer != good.pub.Fingerprint || m.Wasm != Digest(good.wasm) {
		t.Fatalf("manifest %+v", m)
	}
	hex := strings.Repeat("a", 64)
	base := `"name":"x","version":"1","wasm":{"sha256":"` + hex + `","size":1}`
	cases := []struct {
		name, doc string
		code      errcode.Code
		msg       string
	}{
		{"abi", `{"abi":"pv2",` + base + `}`, errcode.ABIMismatch, `"pv2"`},
		{"name", `{"abi":"pv1","name":"Bad Name","version":"1","wasm":{"sha256":"` + hex + `","size":1}}`, errcode.InvalidArgument, "name"},
		{"version", `{"abi":"pv1","name":"x","wasm":{"sha256":"` + hex + `","size":1}}`, errcode.InvalidArgument, "version"},
		{"digest", `{"abi":"pv1","name":"x","version":"1","wasm":{"sha256":"ABC","size":1}}`, errcode.InvalidArgument, "sha256"},
		{"size", `{"abi":"pv1","name":"x","version":"1","wasm":{"sha256":"` + hex + `","size":0}}`, errcode.InvalidArgument, "size"},
		{"unknown field", `{"abi":"pv1",` + base + `,"extra":1}`, errcode.InvalidArgument, "unknown field"},
		{"capabilities not object", `{"abi":"pv1",` + base + `,"capabilities":[]}`, errcode.InvalidArgument, "object"},
		{"negative limit", `{"abi":"pv1",` + base + `,"limits":{"timeout_ms":-1}}`, errcode.InvalidArgument, "negative"},
		{"trailing", `{"abi":"pv1",` + base + `} {}`, errcode.InvalidArgument, "trailing"},
		{"too big", `{"abi":"pv1",` + base + strings.Repeat(" ", MaxManifestBytes) + `}`, errcode.InvalidArgument, "limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.doc))
			if errcode.Of(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v (code %s), want %s %q", err, errcode.Of(err), tc.code, tc.msg)
			}
		})
	}
}

func TestSignManifestRejects(t *testing.T) {
	good := newSigned(t, AlgEd25519, "*")
	if _, _, err := SignManifest([]byte(`{"abi":"pv1","name":"x","version":"1","oops":1}`), good.wasm, good.key); err == nil {
		t.Fatal("unknown field signed")
	}
	if _, _, err := SignManifest([]byte(`{"abi":"pv9","name":"x","version":"1"}`), good.wasm, good.key); errcode.Of(err) != errcode.ABIMismatch {
		t.Fatalf("abi: %v", err)
	}
}
