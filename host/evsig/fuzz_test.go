package evsig_test

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/evsig"
)

// FuzzVerify feeds arbitrary keys, signatures and values through key
// parsing and strict verification: nothing may panic, and a forged
// signature must never verify.
func FuzzVerify(f *testing.F) {
	seed := ed25519.NewKeyFromSeed(make([]byte, 32))
	r := evidence.Result{Value: &evidence.Value{Kind: evidence.JSONValue, JSON: json.RawMessage(`{"a":1}`)}}
	_ = evsig.Sign(seed, "k", &r)
	f.Add([]byte(seed.Public().(ed25519.PublicKey)), []byte(r.Signature.Signature), []byte(`{"a":1}`))
	f.Add(make([]byte, 32), make([]byte, 64), []byte(`null`))
	f.Fuzz(func(t *testing.T, key, sig, value []byte) {
		pk, err := evsig.ParseKey("fuzz", key)
		if err != nil {
			return
		}
		ks, err := evsig.NewKeySet(map[string]ed25519.PublicKey{"k": pk})
		if err != nil {
			return
		}
		if !json.Valid(value) {
			return
		}
		res := evidence.Result{
			Value:     &evidence.Value{Kind: evidence.JSONValue, JSON: json.RawMessage(value)},
			Signature: &evidence.Signature{Scheme: evsig.Scheme, KeyID: "k", Signature: sig},
		}
		if evsig.Verify(ks, &res) == nil {
			// Only the genuine seed key signing {"a":1} may verify.
			h, _, _ := res.Value.Hash()
			msg, _ := evsig.Message(h)
			if !ed25519.Verify(pk, msg, sig) {
				t.Fatal("strict verify accepted what ed25519.Verify refuses")
			}
		}
	})
}
