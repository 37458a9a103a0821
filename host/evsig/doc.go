// Package evsig verifies and produces evidence signatures (spec §8.4):
// Ed25519 over the canonical JSON of an evidence result's hash digest
// object, {"algorithm":"sha256","value":"<hex>"}.
//
// A [KeySet] holds the public keys of a require_signature trust policy;
// each key's key_id is the path string it was configured with. [Verify]
// checks one result; [Guard] wraps a provider so that every result it
// returns is checked before the engine sees it. Any failure is a provider
// error, so the evidence is Unknown: an unsigned, tampered or
// wrongly-signed result can never satisfy a condition.
//
// Verification is strict: besides Go's canonical-S check, the public key
// and the signature's R must not be small-order points and R must be
// canonically encoded, matching ed25519-dalek's verify_strict.
package evsig
