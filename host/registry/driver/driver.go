package driver

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// Scope is one (tenant, namespace) partition of the registry. Entry limits
// and listings are per scope.
type Scope struct {
	TenantID    evidence.TenantID
	NamespaceID evidence.NamespaceID
}

// String renders the scope as "tenant/namespace".
func (s Scope) String() string { return fmt.Sprintf("%d/%d", s.TenantID, s.NamespaceID) }

// Key names a record within a [Scope].
type Key struct {
	SchemaID string
	Version  string
}

// String renders the key as "schema_id@version" for messages.
func (k Key) String() string { return k.SchemaID + "@" + k.Version }

// Entry is one stored value and its key.
type Entry struct {
	Key   Key
	Value []byte
}

// Driver is a schema-registry storage backend. See the package
// documentation for the contract every method follows.
type Driver interface {
	// Put stores value under (scope, key) if the scope holds fewer than
	// maxEntries values and key is absent; maxEntries 0 means no limit. The
	// limit is checked before the key: a full scope reports [ErrFull] even
	// for a key it already holds. An existing value is never replaced
	// ([ErrExists]).
	Put(ctx context.Context, scope Scope, key Key, value []byte, maxEntries uint64) error

	// Get returns the value under (scope, key), or [ErrNotFound].
	Get(ctx context.Context, scope Scope, key Key) ([]byte, error)

	// List returns up to limit entries of scope in [Compare] order, starting
	// with the first key strictly after *after (after nil: from the start).
	// after need not exist. limit is at least 1.
	List(ctx context.Context, scope Scope, after *Key, limit int) ([]Entry, error)

	// Count returns how many values scope holds.
	Count(ctx context.Context, scope Scope) (uint64, error)

	// Close releases the backend. It is idempotent.
	Close() error
}

// The expected outcomes of [Driver] calls. Backends return these (or wrap
// them with [errcode.Wrap]); their messages are the ones clients see.
var (
	ErrNotFound = errcode.New(errcode.NotFound, "schema not found")
	ErrExists   = errcode.New(errcode.Conflict, "schema already registered")
	ErrFull     = errcode.New(errcode.Conflict, "schema registry max entries exceeded")
)

// ErrClosed is what a backend returns after Close.
var ErrClosed = errcode.New(errcode.Unavailable, "schema registry is closed")

// Compare orders keys by schema_id and then version, each compared as bytes
// (the order of Rust's String, which the reference sorts by).
func Compare(a, b Key) int {
	if c := strings.Compare(a.SchemaID, b.SchemaID); c != 0 {
		return c
	}
	return strings.Compare(a.Version, b.Version)
}

// EncodeKey returns a byte key whose byte order is [Compare] order:
// schema_id, a 0x00 separator, then version. A 0x00 inside schema_id is
// written as 0x00 0xFF so that the separator stays unambiguous and sorts
// first; for the usual ids without NUL characters the key is exactly
// schema_id + "\x00" + version.
//
// The encoding is injective and order-preserving for valid UTF-8 strings,
// which never contain the byte 0xFF; the portable registry rejects ids that
// are not valid UTF-8 before they reach a backend.
func EncodeKey(k Key) []byte {
	n := strings.Count(k.SchemaID, "\x00")
	b := make([]byte, 0, len(k.SchemaID)+n+1+len(k.Version))
	for i := 0; i < len(k.SchemaID); i++ {
		b = append(b, k.SchemaID[i])
		if k.SchemaID[i] == 0 {
			b = append(b, 0xFF)
		}
	}
	b = append(b, 0)
	return append(b, k.Version...)
}

// DecodeKey reverses [EncodeKey].
func DecodeKey(b []byte) (Key, error) {
	var id []byte
	for i := 0; i < len(b); i++ {
		if b[i] != 0 {
			id = append(id, b[i])
			continue
		}
		if i+1 < len(b) && b[i+1] == 0xFF {
			id = append(id, 0)
			i++
			continue
		}
		return Key{SchemaID: string(id), Version: string(b[i+1:])}, nil
	}
	return Key{}, fmt.Errorf("registry key %q has no separator", truncate(b))
}

func truncate(b []byte) []byte {
	if len(b) > 64 {
		return append(bytes.Clone(b[:64]), "..."...)
	}
	return b
}
