package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// Record is a data shape (the reference's DataShapeRecord, spec §7.4): a
// JSON Schema registered under (tenant, namespace, schema_id, version).
// Records are immutable once registered.
//
// Wire form: description is always present (null when absent); signing is
// left out when absent. Within signing, algorithm is null when absent.
type Record struct {
	TenantID    evidence.TenantID    `json:"tenant_id"`
	NamespaceID evidence.NamespaceID `json:"namespace_id"`
	SchemaID    string               `json:"schema_id"`
	Version     string               `json:"version"`
	// Schema is the JSON Schema document (draft 2020-12). A registered
	// record holds its RFC 8785 canonical form.
	Schema      json.RawMessage    `json:"schema"`
	Description *string            `json:"description"`
	CreatedAt   evidence.Timestamp `json:"created_at"`
	Signing     *Signing           `json:"signing,omitempty"`
}

// Signing is the signing metadata a record may carry. Only its presence is
// checked (when signing is required); the signature itself is never
// verified.
type Signing struct {
	KeyID     string  `json:"key_id"`
	Signature string  `json:"signature"`
	Algorithm *string `json:"algorithm"`
}

// Scope returns the (tenant, namespace) partition the record belongs to.
func (r *Record) Scope() driver.Scope {
	return driver.Scope{TenantID: r.TenantID, NamespaceID: r.NamespaceID}
}

// Key returns the record's key within its scope.
func (r *Record) Key() driver.Key { return driver.Key{SchemaID: r.SchemaID, Version: r.Version} }

// clone returns a deep copy, so that a caller's record and the stored one
// never share memory.
func (r *Record) clone() Record {
	c := *r
	c.Schema = bytes.Clone(r.Schema)
	if r.Description != nil {
		d := *r.Description
		c.Description = &d
	}
	if r.Signing != nil {
		s := *r.Signing
		if s.Algorithm != nil {
			a := *s.Algorithm
			s.Algorithm = &a
		}
		c.Signing = &s
	}
	return c
}

// checkShape rejects records no decoder would have produced: zero ids, a
// timestamp without a kind, or strings that are not valid UTF-8 (JSON cannot
// carry them, and storage keys rely on it).
func (r *Record) checkShape() error {
	switch {
	case r.TenantID == 0:
		return fmt.Errorf("tenant_id must be at least 1")
	case r.NamespaceID == 0:
		return fmt.Errorf("namespace_id must be at least 1")
	case r.CreatedAt.Kind != evidence.UnixMillis && r.CreatedAt.Kind != evidence.Logical:
		return fmt.Errorf("created_at has no kind")
	}
	strs := []struct{ name, v string }{{"schema_id", r.SchemaID}, {"version", r.Version}}
	if r.Description != nil {
		strs = append(strs, struct{ name, v string }{"description", *r.Description})
	}
	if r.Signing != nil {
		strs = append(strs,
			struct{ name, v string }{"signing.key_id", r.Signing.KeyID},
			struct{ name, v string }{"signing.signature", r.Signing.Signature})
		if r.Signing.Algorithm != nil {
			strs = append(strs, struct{ name, v string }{"signing.algorithm", *r.Signing.Algorithm})
		}
	}
	for _, s := range strs {
		if !utf8.ValidString(s.v) {
			return fmt.Errorf("%s is not valid UTF-8", s.name)
		}
	}
	return nil
}

// signed reports whether the record carries signing metadata with a
// non-blank key_id and signature.
func (r *Record) signed() bool {
	return r.Signing != nil &&
		strings.TrimSpace(r.Signing.KeyID) != "" &&
		strings.TrimSpace(r.Signing.Signature) != ""
}

// encodeRecord returns the canonical JSON of rec: the bytes a backend stores.
func encodeRecord(rec *Record) ([]byte, error) {
	return canonjson.Marshal(rec)
}

// decodeRecord decodes stored bytes and checks that they are the record the
// backend was asked for. Anything else means the stored data is damaged.
func decodeRecord(scope driver.Scope, key driver.Key, b []byte) (Record, error) {
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return Record{}, fmt.Errorf("stored record %s %s does not decode: %w", scope, key, err)
	}
	if rec.Scope() != scope || rec.Key() != key {
		return Record{}, fmt.Errorf("stored record %s %s holds %s %s", scope, key, rec.Scope(), rec.Key())
	}
	if len(rec.Schema) == 0 {
		return Record{}, fmt.Errorf("stored record %s %s has no schema", scope, key)
	}
	return rec, nil
}
