package memreg

import (
	"bytes"
	"context"
	"slices"
	"sync"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// Driver keeps registry values in maps. The zero value is not usable; use
// [New].
type Driver struct {
	mu     sync.RWMutex // guards scopes and closed
	scopes map[driver.Scope]*scope
	closed bool
}

// scope holds one (tenant, namespace): the values and their keys in
// [driver.Compare] order.
type scope struct {
	values map[driver.Key][]byte
	keys   []driver.Key
}

// New returns an empty driver.
func New() *Driver { return &Driver{scopes: map[driver.Scope]*scope{}} }

// Put implements [driver.Driver].
func (d *Driver) Put(ctx context.Context, sc driver.Scope, key driver.Key, value []byte, maxEntries uint64) error {
	if err := ctx.Err(); err != nil {
		return errcode.Wrap(errcode.Of(err), "memreg: put", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return driver.ErrClosed
	}
	s := d.scopes[sc]
	if s == nil {
		s = &scope{values: map[driver.Key][]byte{}}
		d.scopes[sc] = s
	}
	if maxEntries > 0 && uint64(len(s.keys)) >= maxEntries {
		return driver.ErrFull
	}
	if _, ok := s.values[key]; ok {
		return driver.ErrExists
	}
	i, _ := slices.BinarySearchFunc(s.keys, key, driver.Compare)
	s.keys = slices.Insert(s.keys, i, key)
	s.values[key] = bytes.Clone(value)
	return nil
}

// Get implements [driver.Driver].
func (d *Driver) Get(ctx context.Context, sc driver.Scope, key driver.Key) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, errcode.Wrap(errcode.Of(err), "memreg: get", err)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, driver.ErrClosed
	}
	s := d.scopes[sc]
	if s == nil {
		return nil, driver.ErrNotFound
	}
	v, ok := s.values[key]
	if !ok {
		return nil, driver.ErrNotFound
	}
	return bytes.Clone(v), nil
}

// List implements [driver.Driver].
func (d *Driver) List(ctx context.Context, sc driver.Scope, after *driver.Key, limit int) ([]driver.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, errcode.Wrap(errcode.Of(err), "memreg: list", err)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, driver.ErrClosed
	}
	s := d.scopes[sc]
	if s == nil {
		return nil, nil
	}
	start := 0
	if after != nil {
		i, found := slices.BinarySearchFunc(s.keys, *after, driver.Compare)
		if found {
			i++
		}
		start = i
	}
	end := min(start+limit, len(s.keys))
	out := make([]driver.Entry, 0, max(end-start, 0))
	for _, k := range s.keys[start:end] {
		out = append(out, driver.Entry{Key: k, Value: bytes.Clone(s.values[k])})
	}
	return out, nil
}

// Count implements [driver.Driver].
func (d *Driver) Count(ctx context.Context, sc driver.Scope) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, errcode.Wrap(errcode.Of(err), "memreg: count", err)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return 0, driver.ErrClosed
	}
	if s := d.scopes[sc]; s != nil {
		return uint64(len(s.keys)), nil
	}
	return 0, nil
}

// Close implements [driver.Driver]. It drops the stored values.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.scopes = nil
	return nil
}

var _ driver.Driver = (*Driver)(nil)
