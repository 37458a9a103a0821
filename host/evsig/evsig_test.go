package evsig_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/evsig"
	"github.com/decision-gate/dgw/host/provider"
)

func newKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func jsonResult(v string) evidence.Result {
	return evidence.Result{Lane: evidence.Verified, Value: &evidence.Value{Kind: evidence.JSONValue, JSON: json.RawMessage(v)}}
}

func TestMessageIsCanonicalDigestObject(t *testing.T) {
	h := evidence.HashDigest{Algorithm: "sha256", Value: "ab"}
	msg, err := evsig.Message(h)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(msg), `{"algorithm":"sha256","value":"ab"}`; got != want {
		t.Fatalf("message %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	pub, priv := newKey(t)
	_, otherPriv := newKey(t)
	keys, err := evsig.NewKeySet(map[string]ed25519.PublicKey{"keys/a.pub": pub})
	if err != nil {
		t.Fatal(err)
	}
	signed := func(t *testing.T, v string) evidence.Result {
		r := jsonResult(v)
		if err := evsig.Sign(priv, "keys/a.pub", &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name   string
		mutate func(*evidence.Result)
		want   error
	}{
		{"valid", func(*evidence.Result) {}, nil},
		{"hash absent is filled in", func(r *evidence.Result) { r.EvidenceHash = nil }, nil},
		{"missing signature", func(r *evidence.Result) { r.Signature = nil }, evsig.ErrMissingSignature},
		{"scheme", func(r *evidence.Result) { r.Signature.Scheme = "rsa" }, evsig.ErrUnsupportedScheme},
		{"unknown key id", func(r *evidence.Result) { r.Signature.KeyID = "keys/b.pub" }, evsig.ErrKeyNotAuthorized},
		{"no value", func(r *evidence.Result) { r.Value = nil }, evsig.ErrMissingValue},
		{"hash mismatch", func(r *evidence.Result) { r.EvidenceHash = &evidence.HashDigest{Algorithm: "sha256", Value: "00"} }, evsig.ErrHashMismatch},
		{"value changed", func(r *evidence.Result) { r.Value.JSON = json.RawMessage(`{"n":2}`); r.EvidenceHash = nil }, evsig.ErrBadSignature},
		{"signature byte flipped", func(r *evidence.Result) { r.Signature.Signature[5] ^= 1 }, evsig.ErrBadSignature},
		{"short signature", func(r *evidence.Result) { r.Signature.Signature = r.Signature.Signature[:63] }, evsig.ErrBadSignature},
		{"signed by another key", func(r *evidence.Result) {
			h, _, _ := r.Value.Hash()
			msg, _ := evsig.Message(h)
			r.Signature.Signature = ed25519.Sign(otherPriv, msg)
		}, evsig.ErrBadSignature},
		{"signature over raw digest, not the digest object", func(r *evidence.Result) {
			h, _, _ := r.Value.Hash()
			r.Signature.Signature = ed25519.Sign(priv, []byte(h.Value))
		}, evsig.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signed(t, `{"n":1}`)
			tt.mutate(&r)
			err := evsig.Verify(keys, &r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if err == nil && r.EvidenceHash == nil {
				t.Fatal("evidence_hash not set after a successful verify")
			}
		})
	}
}

func TestVerifyBytesValue(t *testing.T) {
	pub, priv := newKey(t)
	keys, _ := evsig.NewKeySet(map[string]ed25519.PublicKey{"k": pub})
	r := evidence.Result{Value: &evidence.Value{Kind: evidence.BytesValue, Bytes: []byte("raw bytes")}}
	if err := evsig.Sign(priv, "k", &r); err != nil {
		t.Fatal(err)
	}
	if want := evidence.HashBytes([]byte("raw bytes")); !r.EvidenceHash.Equal(want) {
		t.Fatalf("bytes hash %v, want %v", r.EvidenceHash, want)
	}
	if err := evsig.Verify(keys, &r); err != nil {
		t.Fatal(err)
	}
}

// TestStrictRefusesSmallOrder: the identity point as public key, with the
// signature (R = identity, S = 0) that non-strict verifiers accept for
// every message.
func TestStrictRefusesSmallOrder(t *testing.T) {
	identity := make([]byte, 32)
	identity[0] = 1
	if _, err := evsig.NewKeySet(map[string]ed25519.PublicKey{"weak": identity}); err == nil {
		t.Fatal("identity point accepted as a key")
	}
	// Order-2 point (0, -1): y = p-1.
	order2 := []byte{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}
	if _, err := evsig.NewKeySet(map[string]ed25519.PublicKey{"weak": order2}); err == nil {
		t.Fatal("order-2 point accepted as a key")
	}
	pub, priv := newKey(t)
	keys, _ := evsig.NewKeySet(map[string]ed25519.PublicKey{"k": pub})
	r := jsonResult(`true`)
	if err := evsig.Sign(priv, "k", &r); err != nil {
		t.Fatal(err)
	}
	// R replaced by the identity: must fail, never panic.
	copy(r.Signature.Signature[:32], identity)
	if err := evsig.Verify(keys, &r); !errors.Is(err, evsig.ErrBadSignature) {
		t.Fatalf("small-order R: %v", err)
	}
	// Many random keys are all accepted (the check has no false positives).
	for range 50 {
		p, _ := newKey(t)
		if _, err := evsig.NewKeySet(map[string]ed25519.PublicKey{"k": p}); err != nil {
			t.Fatalf("valid key refused: %v", err)
		}
	}
}

func TestLoadKeys(t *testing.T) {
	dir := t.TempDir()
	pub, _ := newKey(t)
	raw := filepath.Join(dir, "raw.pub")
	b64 := filepath.Join(dir, "b64.pub")
	bad := filepath.Join(dir, "bad.pub")
	os.WriteFile(raw, pub, 0o600)
	os.WriteFile(b64, []byte("  "+base64.StdEncoding.EncodeToString(pub)+"\n"), 0o600)
	os.WriteFile(bad, []byte("not a key"), 0o600)
	ks, err := evsig.LoadKeys([]string{raw, b64})
	if err != nil || ks.Len() != 2 {
		t.Fatalf("LoadKeys = %v, %v", ks, err)
	}
	if _, err := evsig.LoadKeys([]string{bad}); err == nil {
		t.Fatal("garbage key accepted")
	}
	if _, err := evsig.LoadKeys([]string{filepath.Join(dir, "missing.pub")}); err == nil {
		t.Fatal("missing key file accepted")
	}
}

type fixed struct {
	res evidence.Result
	err error
	c   *provider.Contract
}

func (f *fixed) ID() string                   { return "p" }
func (f *fixed) Contract() *provider.Contract { return f.c }
func (f *fixed) Query(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
	return f.res, f.err
}

func TestGuard(t *testing.T) {
	pub, priv := newKey(t)
	keys, _ := evsig.NewKeySet(map[string]ed25519.PublicKey{"k": pub})
	good := jsonResult(`1`)
	evsig.Sign(priv, "k", &good)
	inband := evidence.ErrorResult("file_not_found", "no such file")
	for name, tt := range map[string]struct {
		res     evidence.Result
		wantErr bool
	}{
		"signed passes":          {good, false},
		"unsigned fails":         {jsonResult(`1`), true},
		"in-band error unsigned": {inband, false},
	} {
		t.Run(name, func(t *testing.T) {
			g := evsig.Guard(&fixed{res: tt.res}, keys)
			_, err := g.Query(context.Background(), evidence.Query{}, evidence.Context{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			var ie *evsig.IntegrityError
			if tt.wantErr && !errors.As(err, &ie) {
				t.Fatalf("error %T is not an IntegrityError", err)
			}
			if tt.wantErr && evidence.ErrorCode(err) != "provider_error" {
				t.Fatalf("code %s", evidence.ErrorCode(err))
			}
		})
	}
}
