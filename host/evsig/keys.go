package evsig

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"
)

// MaxKeyFileBytes bounds a key file; a key is 32 bytes, or 44 in base64.
const MaxKeyFileBytes = 4096

// KeySet is the set of keys a trust policy accepts, by key_id.
type KeySet struct {
	keys map[string]ed25519.PublicKey
}

// NewKeySet builds a key set from key ids and keys. Each key must be a
// 32-byte Ed25519 public key that is not a small-order point.
func NewKeySet(keys map[string]ed25519.PublicKey) (*KeySet, error) {
	ks := &KeySet{keys: make(map[string]ed25519.PublicKey, len(keys))}
	for id, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key %s: want %d bytes, got %d", id, ed25519.PublicKeySize, len(k))
		}
		if weakPoint(k) {
			return nil, fmt.Errorf("key %s: not a usable Ed25519 public key (small-order or invalid point)", id)
		}
		ks.keys[id] = bytes.Clone(k)
	}
	return ks, nil
}

// LoadKeys reads each path as a key file: 32 raw bytes, or the base64 of
// 32 bytes with surrounding whitespace ignored. The key_id of each key is
// its path string exactly as configured.
func LoadKeys(paths []string) (*KeySet, error) {
	keys := make(map[string]ed25519.PublicKey, len(paths))
	for _, p := range paths {
		k, err := readKey(p)
		if err != nil {
			return nil, err
		}
		keys[p] = k
	}
	return NewKeySet(keys)
}

func readKey(path string) (ed25519.PublicKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("evidence key %s: %w", path, err)
	}
	defer f.Close()
	buf := make([]byte, MaxKeyFileBytes+1)
	n, _ := f.Read(buf)
	// Read may return short; keep reading until EOF or the cap.
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil || m == 0 {
			break
		}
	}
	if n > MaxKeyFileBytes {
		return nil, fmt.Errorf("evidence key %s: file larger than %d bytes", path, MaxKeyFileBytes)
	}
	return ParseKey(path, buf[:n])
}

// ParseKey parses key file contents (raw or base64); name is used in
// errors.
func ParseKey(name string, data []byte) (ed25519.PublicKey, error) {
	if len(data) == ed25519.PublicKeySize {
		return ed25519.PublicKey(bytes.Clone(data)), nil
	}
	text := bytes.TrimSpace(data)
	raw, err := base64.StdEncoding.DecodeString(string(text))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("evidence key %s: want 32 raw bytes or the base64 of 32 bytes", name)
	}
	return ed25519.PublicKey(raw), nil
}

// Len returns the number of keys.
func (k *KeySet) Len() int { return len(k.keys) }

// key returns the key for a key_id.
func (k *KeySet) key(id string) (ed25519.PublicKey, bool) {
	if k == nil {
		return nil, false
	}
	pk, ok := k.keys[id]
	return pk, ok
}
