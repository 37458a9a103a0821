package registry

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// Limits and defaults (spec §7.4, §13).
const (
	DefaultMaxSchemaBytes = 1 << 20  // max_schema_bytes when unset
	MaxSchemaBytesLimit   = 10 << 20 // the largest max_schema_bytes allowed
	DefaultCacheSize      = 256      // compiled schemas kept when unset
)

// Options configures a [Registry]. A nil *Options means all defaults.
type Options struct {
	// MaxSchemaBytes caps the canonical JSON size of a schema; 0 means
	// [DefaultMaxSchemaBytes]. At most [MaxSchemaBytesLimit].
	MaxSchemaBytes int
	// MaxEntries caps records per (tenant, namespace); 0 means no limit.
	MaxEntries uint64
	// ACL is the access policy, including require_signing. The zero value
	// is builtin mode without allow_local_only: only callers with roles get
	// in.
	ACL ACLConfig
	// CacheSize is how many compiled schemas [Registry.Compiled] keeps; 0
	// means [DefaultCacheSize], a negative value disables the cache.
	CacheSize int
}

// Registry is the schema registry the tool layer uses: it enforces the
// registration checks, cursors and limits of spec §2.2 over any
// [driver.Driver], and caches compiled schemas for precheck. It is safe for
// concurrent use. The namespace check and the ACL decision are the caller's
// (use [Registry.ACL]); the Registry trusts that they passed.
//
//	reg, err := registry.New(memreg.New(), &registry.Options{MaxEntries: 100})
//	stored, err := reg.Register(ctx, rec)
//	items, next, err := reg.List(ctx, tenant, namespace, nil, nil)
//
// Close releases the driver.
type Registry struct {
	d              driver.Driver
	acl            *ACL
	maxSchemaBytes int
	maxEntries     uint64
	cache          *schemaCache
}

// New returns a Registry over d, which it owns from then on: [Registry.Close]
// closes it.
//
// # Errors
//
// errcode.InvalidArgument for an out-of-range MaxSchemaBytes or an invalid
// ACL (see [NewACL]).
func New(d driver.Driver, opts *Options) (*Registry, error) {
	if opts == nil {
		opts = &Options{}
	}
	maxBytes := opts.MaxSchemaBytes
	if maxBytes == 0 {
		maxBytes = DefaultMaxSchemaBytes
	}
	if maxBytes < 0 || maxBytes > MaxSchemaBytesLimit {
		return nil, errcode.New(errcode.InvalidArgument, "registry: max_schema_bytes %d is outside 1..%d", opts.MaxSchemaBytes, MaxSchemaBytesLimit)
	}
	acl, err := NewACL(opts.ACL)
	if err != nil {
		return nil, err
	}
	size := opts.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	return &Registry{d: d, acl: acl, maxSchemaBytes: maxBytes, maxEntries: opts.MaxEntries, cache: newSchemaCache(size)}, nil
}

// ACL returns the registry's access policy.
func (r *Registry) ACL() *ACL { return r.acl }

// Close closes the driver. It is idempotent; calls after Close fail with
// [ErrClosed].
func (r *Registry) Close() error { return r.d.Close() }

// Register stores rec and returns the stored form, whose schema is the
// canonical (RFC 8785) JSON of rec.Schema; rec itself is not modified. The
// checks run in the reference's order (spec §2.2, steps 3 to 7):
//
//  1. with require_signing, signing metadata with a non-blank key_id and
//     signature must be present (its signature is not verified);
//  2. the canonical JSON of the schema must fit max_schema_bytes;
//  3. with max_entries, the tenant and namespace must hold fewer records;
//  4. the schema must compile as JSON Schema (draft 2020-12 by default);
//  5. the key (tenant, namespace, schema_id, version) must be free.
//
// Steps 3 and 5 are atomic with the write, so concurrent registrations never
// exceed max_entries or store a key twice. Before all of them, a record no
// decoder would produce (a zero id, a timestamp without a kind, a string
// that is not UTF-8) is refused.
//
// # Errors
//
//   - errcode.InvalidArgument: malformed record, oversized schema, or
//     "invalid schema: …";
//   - errcode.PermissionDenied: [ErrSigningRequired];
//   - errcode.Conflict: [ErrMaxEntries], [ErrAlreadyRegistered];
//   - the driver's codes (unavailable, internal, canceled, …).
func (r *Registry) Register(ctx context.Context, rec Record) (Record, error) {
	const op = "registry: register"
	if err := rec.checkShape(); err != nil {
		return Record{}, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	if r.acl.RequireSigning() && !rec.signed() {
		return Record{}, errcode.Wrap(errcode.PermissionDenied, op, ErrSigningRequired)
	}
	if len(rec.Schema) == 0 {
		return Record{}, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("invalid schema: missing")}
	}
	canon, err := canonjson.Transform(rec.Schema)
	if err != nil {
		return Record{}, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: fmt.Errorf("invalid schema: %w", err)}
	}
	if len(canon) > r.maxSchemaBytes {
		return Record{}, &errcode.Error{Code: errcode.InvalidArgument, Op: op,
			Err: fmt.Errorf("schema exceeds max_schema_bytes: %d > %d", len(canon), r.maxSchemaBytes)}
	}
	scope, key := rec.Scope(), rec.Key()
	if r.maxEntries > 0 {
		n, err := r.d.Count(ctx, scope)
		if err != nil {
			return Record{}, errcode.Wrap(errcode.Internal, op, err)
		}
		if n >= r.maxEntries {
			return Record{}, errcode.Wrap(errcode.Conflict, op, ErrMaxEntries)
		}
	}
	sch, err := compile(canon)
	if err != nil {
		return Record{}, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	stored := rec.clone()
	stored.Schema = canon
	value, err := encodeRecord(&stored)
	if err != nil {
		return Record{}, &errcode.Error{Code: errcode.Internal, Op: op, Err: err}
	}
	if err := r.d.Put(ctx, scope, key, value, r.maxEntries); err != nil {
		return Record{}, errcode.Wrap(errcode.Internal, op, err)
	}
	r.cache.add(cacheKey{scope, key}, sch)
	return stored, nil // a fresh copy: nothing else holds its memory
}

// Get returns the record under (tenant, namespace, schemaID, version).
//
// # Errors
//
//   - errcode.NotFound: [ErrNotFound];
//   - errcode.InvalidArgument: a zero tenant or namespace;
//   - errcode.DataLoss: the stored record failed an integrity check;
//   - the driver's codes.
func (r *Registry) Get(ctx context.Context, tenant evidence.TenantID, namespace evidence.NamespaceID, schemaID, version string) (Record, error) {
	const op = "registry: get"
	scope := driver.Scope{TenantID: tenant, NamespaceID: namespace}
	if err := checkScope(scope); err != nil {
		return Record{}, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	key := driver.Key{SchemaID: schemaID, Version: version}
	if !utf8.ValidString(schemaID) || !utf8.ValidString(version) {
		// Nothing is stored under such a key; keep it away from key encoding.
		return Record{}, errcode.Wrap(errcode.NotFound, op, ErrNotFound)
	}
	b, err := r.d.Get(ctx, scope, key)
	if err != nil {
		return Record{}, errcode.Wrap(errcode.Internal, op, err)
	}
	rec, err := decodeRecord(scope, key, b)
	if err != nil {
		return Record{}, &errcode.Error{Code: errcode.DataLoss, Op: op, Err: err}
	}
	return rec, nil
}

// Compiled returns the compiled schema of a record, from the cache when it
// is there. Use it with [Validate].
//
// # Errors
//
// As for [Registry.Get]; errcode.Internal if a stored schema no longer
// compiles.
func (r *Registry) Compiled(ctx context.Context, tenant evidence.TenantID, namespace evidence.NamespaceID, schemaID, version string) (*jsonschema.Schema, error) {
	k := cacheKey{driver.Scope{TenantID: tenant, NamespaceID: namespace}, driver.Key{SchemaID: schemaID, Version: version}}
	return r.cache.get(ctx, k, func() (*jsonschema.Schema, error) {
		rec, err := r.Get(ctx, tenant, namespace, schemaID, version)
		if err != nil {
			return nil, err
		}
		sch, err := compile(rec.Schema)
		if err != nil {
			return nil, &errcode.Error{Code: errcode.Internal, Op: "registry: compiled", Err: fmt.Errorf("stored schema %s %s: %w", k.scope, k.key, err)}
		}
		return sch, nil
	})
}

func checkScope(s driver.Scope) error {
	switch {
	case s.TenantID == 0:
		return fmt.Errorf("tenant_id must be at least 1")
	case s.NamespaceID == 0:
		return fmt.Errorf("namespace_id must be at least 1")
	}
	return nil
}
