package canonjson

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
)

// Transform returns the RFC 8785 canonical form of doc, which must hold
// exactly one JSON value (object, array, string, number or literal) with
// optional surrounding whitespace. It does not modify doc.
//
//	canon, err := canonjson.Transform([]byte(`{"b":1.0,"a":"x"}`))
//	// canon == `{"a":"x","b":1}`
//	digest := canonjson.SHA256Bytes(canon)
//
// Transform is safe for concurrent use.
//
// # Errors
//
// Every error is an [*Error] naming the byte offset of the problem and
// wrapping [ErrSyntax], [ErrDuplicateKey], [ErrNumberRange] or [ErrTooDeep].
func Transform(doc []byte) ([]byte, error) {
	out, err := AppendTransform(make([]byte, 0, len(doc)+8), doc)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AppendTransform appends the canonical form of doc to dst and returns the
// extended buffer, like the strconv Append functions. Reusing dst across
// calls makes canonicalisation allocation-free in steady state.
//
// doc must not share memory with the spare capacity of dst. On error
// AppendTransform returns dst unchanged (although bytes in its spare
// capacity may have been overwritten) and an error as for [Transform].
func AppendTransform(dst, doc []byte) ([]byte, error) {
	s := statePool.Get().(*state)
	out, err := s.run(dst, doc)
	s.release()
	if err != nil {
		return dst, err
	}
	return out, nil
}

// Marshal encodes v with encoding/json, with HTML escaping turned off, and
// returns the canonical form of the result. Go values therefore follow the
// encoding/json rules (struct tags, omitempty, MarshalJSON methods); the
// canonicaliser then sorts keys and normalises strings and numbers.
//
// # Errors
//
// Encoding failures (unsupported types, NaN or infinite floats, failing
// MarshalJSON methods) are returned wrapped with the prefix
// "canonjson: marshal:". Failures of the canonicaliser itself are as for
// [Transform].
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("canonjson: marshal: %w", err)
	}
	return Transform(buf.Bytes())
}

// SHA256 returns the lowercase hex SHA-256 digest of Marshal(v). This is
// how the product hashes specs, envelopes, contracts and evidence values.
//
// # Errors
//
// As for [Marshal].
func SHA256(v any) (string, error) {
	canon, err := Marshal(v)
	if err != nil {
		return "", err
	}
	return SHA256Bytes(canon), nil
}

// SHA256Bytes returns the lowercase hex SHA-256 digest of b as given. Use
// it for bytes that are already canonical (such as runpack files) or that
// are hashed raw (such as bytes evidence).
func SHA256Bytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Limits on what a pooled state may keep between calls, so that one huge
// document does not pin its scratch memory for the life of the process.
const (
	maxPooledBytes   = 64 << 10
	maxPooledMembers = 4 << 10
)

// statePool recycles parser states and their scratch buffers.
var statePool = sync.Pool{New: func() any { return new(state) }}

// run canonicalises doc, appending to dst.
func (s *state) run(dst, doc []byte) ([]byte, error) {
	s.doc, s.pos, s.depth = doc, 0, 0
	s.skipWS()
	out, err := s.value(dst)
	if err == nil {
		s.skipWS()
		if s.pos < len(doc) {
			err = unexpected(doc, s.pos, "end of input after top-level value")
		}
	}
	return out, err
}

// release drops references to caller memory and returns s to the pool.
func (s *state) release() {
	s.doc = nil
	s.members = s.members[:0]
	s.arena = s.arena[:0]
	s.scratch = s.scratch[:0]
	if cap(s.arena) > maxPooledBytes || cap(s.scratch) > maxPooledBytes ||
		cap(s.members) > maxPooledMembers {
		return
	}
	statePool.Put(s)
}
