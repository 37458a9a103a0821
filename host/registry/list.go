package registry

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/internal/jsonstrict"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// List limits (spec §2.2, §13).
const (
	DefaultListLimit = 50
	MaxListLimit     = 1000
)

// cursorToken is the position token of schemas_list: the key of the last item
// of the previous page, as JSON text.
type cursorToken struct {
	SchemaID string `json:"schema_id"`
	Version  string `json:"version"`
}

// List returns one page of the records of (tenant, namespace), sorted by
// schema_id and then version (byte order), and the token for the next page.
//
// cursor is nil for the first page, or a token from an earlier call: the
// JSON text {"schema_id":…,"version":…} of the last item of that page. A
// well-formed cursor naming no record starts over from the first record. limit is
// nil for [DefaultListLimit], else 1..[MaxListLimit].
//
// The next token is non-nil whenever the page is non-empty, even when it is
// the last page; a call with the last page's token returns no items and a
// nil token. items is never nil.
//
// # Errors
//
//   - errcode.InvalidArgument: a limit out of range, [ErrInvalidCursor], a
//     zero tenant or namespace;
//   - errcode.DataLoss: a stored record on the page failed an integrity
//     check;
//   - the driver's codes.
func (r *Registry) List(ctx context.Context, tenant evidence.TenantID, namespace evidence.NamespaceID, cursor *string, limit *int) ([]Record, *string, error) {
	const op = "registry: list"
	scope := driver.Scope{TenantID: tenant, NamespaceID: namespace}
	if err := checkScope(scope); err != nil {
		return nil, nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op, Err: err}
	}
	n := DefaultListLimit
	if limit != nil {
		if *limit < 1 || *limit > MaxListLimit {
			return nil, nil, &errcode.Error{Code: errcode.InvalidArgument, Op: op,
				Err: fmt.Errorf("limit must be between 1 and %d", MaxListLimit)}
		}
		n = *limit
	}
	var after *driver.Key
	if cursor != nil {
		k, ok := parseCursor(*cursor)
		if !ok {
			return nil, nil, errcode.Wrap(errcode.InvalidArgument, op, ErrInvalidCursor)
		}
		found, err := r.exists(ctx, scope, k)
		if err != nil {
			return nil, nil, errcode.Wrap(errcode.Internal, op, err)
		}
		if found {
			after = &k
		}
	}
	entries, err := r.d.List(ctx, scope, after, n)
	if err != nil {
		return nil, nil, errcode.Wrap(errcode.Internal, op, err)
	}
	items := make([]Record, 0, len(entries))
	for _, e := range entries {
		rec, err := decodeRecord(scope, e.Key, e.Value)
		if err != nil {
			return nil, nil, &errcode.Error{Code: errcode.DataLoss, Op: op, Err: err}
		}
		items = append(items, rec)
	}
	if len(items) == 0 {
		return items, nil, nil
	}
	last := items[len(items)-1]
	token, err := canonjson.Marshal(cursorToken{SchemaID: last.SchemaID, Version: last.Version})
	if err != nil {
		return nil, nil, &errcode.Error{Code: errcode.Internal, Op: op, Err: err}
	}
	next := string(token)
	return items, &next, nil
}

// exists reports whether k is stored. A record that is stored but damaged
// still marks a position: the page after it is served, and the damage is
// reported by the call that reads it.
func (r *Registry) exists(ctx context.Context, scope driver.Scope, k driver.Key) (bool, error) {
	_, err := r.d.Get(ctx, scope, k)
	switch errcode.Of(err) {
	case "", errcode.DataLoss:
		return true, nil
	case errcode.NotFound:
		return false, nil
	}
	return false, err
}

// parseCursor decodes a list cursor. It must be a JSON object whose
// schema_id and version are strings; other members are ignored, as the
// reference ignores unknown fields.
func parseCursor(s string) (driver.Key, bool) {
	tree, err := jsonstrict.Parse([]byte(s))
	if err != nil {
		return driver.Key{}, false
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return driver.Key{}, false
	}
	id, ok1 := obj["schema_id"].(string)
	ver, ok2 := obj["version"].(string)
	if !ok1 || !ok2 || !utf8.ValidString(id) || !utf8.ValidString(ver) {
		return driver.Key{}, false
	}
	return driver.Key{SchemaID: id, Version: ver}, true
}
