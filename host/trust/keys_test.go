package trust

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

func TestGenerateAndParseKeys(t *testing.T) {
	cases := []struct {
		alg      string
		password []byte
		pemType  string
	}{
		{AlgECDSAP256, nil, "PRIVATE KEY"},
		{AlgEd25519, nil, "PRIVATE KEY"},
		{AlgECDSAP256, []byte("pw"), "ENCRYPTED SIGSTORE PRIVATE KEY"},
		{AlgEd25519, []byte("pw"), "ENCRYPTED SIGSTORE PRIVATE KEY"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/encrypted=%v", tc.alg, tc.password != nil), func(t *testing.T) {
			privPEM, pubPEM, err := GenerateKey(tc.alg, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(privPEM), "-----BEGIN "+tc.pemType+"-----") {
				t.Fatalf("private PEM starts %q", privPEM[:40])
			}
			priv, err := ParsePrivateKey(privPEM, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicKey(pubPEM, "*")
			if err != nil {
				t.Fatal(err)
			}
			if pub.Fingerprint != priv.Public().Fingerprint || pub.Algorithm != tc.alg {
				t.Fatalf("fingerprints %s / %s, alg %s", pub.Fingerprint, priv.Public().Fingerprint, pub.Algorithm)
			}
			msg := []byte(`{"abi":"pv1"}`)
			sigFile, err := priv.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sigFile)))
			if err != nil {
				t.Fatal(err)
			}
			if err := pub.Verify(msg, sig); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := pub.Verify([]byte(`{"abi":"pv2"}`), sig); err == nil {
				t.Fatal("tampered message verified")
			}
			if tc.password != nil {
				if _, err := ParsePrivateKey(privPEM, []byte("wrong")); err == nil {
					t.Fatal("wrong password accepted")
				}
			}
		})
	}
	if _, _, err := GenerateKey("rsa", nil); err == nil {
		t.Fatal("rsa generated")
	}
}

// TestCosignFormat checks the signature encoding with the standard library
// alone: ECDSA signatures are ASN.1 DER over SHA-256 (what cosign sign-blob
// --key writes and verify-blob reads), Ed25519 signatures are pure Ed25519.
func TestCosignFormat(t *testing.T) {
	msg := []byte("provider manifest bytes")
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPub := mustPublic(t, &ec.PublicKey)
	digest := sha256.Sum256(msg)
	der, err := ecdsa.SignASN1(rand.Reader, ec, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if err := ecPub.Verify(msg, der); err != nil {
		t.Fatalf("stdlib-made ECDSA signature rejected: %v", err)
	}
	ecPEM, _ := cryptoutils.MarshalPrivateKeyToPEM(ec)
	priv, err := ParsePrivateKey(ecPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	sigFile, _ := priv.Sign(msg)
	sig, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sigFile)))
	if !ecdsa.VerifyASN1(&ec.PublicKey, digest[:], sig) {
		t.Fatal("our ECDSA signature is not ASN.1 over SHA-256")
	}

	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	edPEM, _ := cryptoutils.MarshalPrivateKeyToPEM(edPriv)
	priv, err = ParsePrivateKey(edPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	sigFile, _ = priv.Sign(msg)
	sig, _ = base64.StdEncoding.DecodeString(strings.TrimSpace(string(sigFile)))
	if !ed25519.Verify(edPub, msg, sig) {
		t.Fatal("our Ed25519 signature is not pure Ed25519")
	}
	if err := mustPublic(t, edPub).Verify(msg, ed25519.Sign(edPriv, msg)); err != nil {
		t.Fatal(err)
	}
}

func mustPublic(t *testing.T, pub any) *PublicKey {
	t.Helper()
	pemBytes, err := cryptoutils.MarshalPublicKeyToPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParsePublicKey(pemBytes, "*")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRejectedKeys(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, pub := range map[string]any{"p384": &p384.PublicKey, "rsa": &rsaKey.PublicKey} {
		pemBytes, _ := cryptoutils.MarshalPublicKeyToPEM(pub)
		if _, err := ParsePublicKey(pemBytes); err == nil {
			t.Errorf("%s public key accepted", name)
		}
	}
	privPEM, _ := cryptoutils.MarshalPrivateKeyToPEM(p384)
	if _, err := ParsePrivateKey(privPEM, nil); err == nil || !strings.Contains(err.Error(), "P-256") {
		t.Errorf("p384 private key: %v", err)
	}
	if _, err := ParsePublicKey([]byte("not pem")); err == nil {
		t.Error("garbage accepted")
	}
	_, pubPEM, _ := GenerateKey(AlgEd25519, nil)
	if _, err := ParsePublicKey(pubPEM, "a*b"); err == nil {
		t.Error("inner '*' scope accepted")
	}
}

func TestKeyScope(t *testing.T) {
	_, pubPEM, _ := GenerateKey(AlgEd25519, nil)
	cases := []struct {
		scope []string
		name  string
		want  bool
	}{
		{[]string{"*"}, "env", true},
		{[]string{"env"}, "env", true},
		{[]string{"env"}, "envx", false},
		{[]string{"acme.*"}, "acme.junit", true},
		{[]string{"acme.*"}, "acmex.junit", false},
		{[]string{"acme.*", "time"}, "time", true},
		{nil, "env", false},
	}
	for _, tc := range cases {
		k, err := ParsePublicKey(pubPEM, tc.scope...)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.Allows(tc.name); got != tc.want {
			t.Errorf("scope %v allows %s = %v", tc.scope, tc.name, got)
		}
	}
}

func TestPrivateKeyLogValue(t *testing.T) {
	privPEM, _, _ := GenerateKey(AlgECDSAP256, nil)
	k, _ := ParsePrivateKey(privPEM, nil)
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("signing", "key", k)
	if !strings.Contains(b.String(), k.Public().Fingerprint) || strings.Contains(b.String(), "BEGIN") {
		t.Fatalf("log line %q", b.String())
	}
}
