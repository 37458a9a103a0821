package mcpstub

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// signer signs evidence results as spec §8.4 expects them.
type signer struct {
	key   ed25519.PrivateKey
	keyID string
}

// newSigner reads a 32-byte seed, raw or base64, from path; an empty path
// gives a random key (for the badsig and hashmismatch modes).
func newSigner(path, keyID string) (*signer, error) {
	if path == "" {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return &signer{key: key, keyID: keyID}, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mcpstub: sign key: %w", err)
	}
	seed := b
	if len(b) != ed25519.SeedSize {
		if seed, err = base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("mcpstub: sign key %s: want a 32-byte seed, raw or base64", path)
		}
	}
	return &signer{key: ed25519.NewKeyFromSeed(seed), keyID: keyID}, nil
}

// sign adds evidence_hash and signature to res, whose value must be a JSON
// value: hash = sha256(JCS(value.value)), message = JCS of the digest
// object, signature = Ed25519 over the message as a JSON byte array.
func (s *signer) sign(res map[string]any, mode string) error {
	val, _ := res["value"].(map[string]any)
	if val == nil {
		return nil
	}
	raw, err := json.Marshal(val["value"])
	if err != nil {
		return err
	}
	canon, err := canonjson.Transform(raw)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(canon)
	digest := map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(sum[:])}
	msg, err := canonjson.Marshal(digest)
	if err != nil {
		return err
	}
	sig := ed25519.Sign(s.key, msg)
	switch mode {
	case "badsig":
		sig[0] ^= 0xff
	case "hashmismatch":
		other := sha256.Sum256([]byte("mismatch"))
		digest = map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(other[:])}
	}
	ints := make([]int, len(sig))
	for i, b := range sig {
		ints[i] = int(b)
	}
	res["evidence_hash"] = digest
	res["signature"] = map[string]any{"scheme": "ed25519", "key_id": s.keyID, "signature": ints}
	return nil
}

// GenerateKey writes a fresh Ed25519 key pair into t.TempDir(): the seed
// (for -sign-key) and the public key, both base64, and returns their
// paths.
func GenerateKey(t testing.TB) (seedFile, publicFile string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seedFile, publicFile = filepath.Join(dir, "stub.key"), filepath.Join(dir, "stub.pub")
	for path, b := range map[string][]byte{seedFile: priv.Seed(), publicFile: pub} {
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(b)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return seedFile, publicFile
}
