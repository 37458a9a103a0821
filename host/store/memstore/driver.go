package memstore

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"sync"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// Driver keeps run versions and specs as bytes in maps. It is safe for
// concurrent use; Close it when done (later calls fail with
// errcode.Unavailable).
type Driver struct {
	mu     sync.RWMutex // guards runs, specs and closed
	runs   map[scenario.RunKey][]driver.Record
	specs  map[string]driver.Spec
	closed bool
}

// NewDriver returns an empty driver.
func NewDriver() *Driver {
	return &Driver{runs: map[scenario.RunKey][]driver.Record{}, specs: map[string]driver.Spec{}}
}

// readyLocked checks the context and the closed flag; d.mu must be held.
func (d *Driver) readyLocked(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return errcode.Wrap(errcode.Of(err), "memstore", err)
	}
	if d.closed {
		return driver.ErrClosed
	}
	return nil
}

func copyRecord(r driver.Record) driver.Record {
	r.Blob = bytes.Clone(r.Blob)
	return r
}

// Load implements [driver.Store].
func (d *Driver) Load(ctx context.Context, key scenario.RunKey) (driver.Record, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.readyLocked(ctx); err != nil {
		return driver.Record{}, err
	}
	vs := d.runs[key]
	if len(vs) == 0 {
		return driver.Record{}, driver.ErrNotFound
	}
	return copyRecord(vs[len(vs)-1]), nil
}

// Get implements [driver.Store].
func (d *Driver) Get(ctx context.Context, key scenario.RunKey, v driver.Version) (driver.Record, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.readyLocked(ctx); err != nil {
		return driver.Record{}, err
	}
	vs := d.runs[key]
	i, ok := sort.Find(len(vs), func(i int) int { return compareVersion(v, vs[i].Version) })
	if !ok {
		return driver.Record{}, driver.NotFoundVersion(key, v)
	}
	return copyRecord(vs[i]), nil
}

func compareVersion(a, b driver.Version) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Create implements [driver.Store].
func (d *Driver) Create(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum) (driver.Version, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.readyLocked(ctx); err != nil {
		return 0, err
	}
	if len(d.runs[key]) > 0 {
		return 0, driver.ErrAlreadyExists
	}
	d.runs[key] = []driver.Record{{Key: key, Version: 1, Blob: bytes.Clone(blob), Checksum: sum}}
	return 1, nil
}

// Append implements [driver.Store].
func (d *Driver) Append(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum, prev driver.Version, keep int) (driver.Version, error) {
	if err := driver.CheckKeep(keep, 0); err != nil {
		return 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.readyLocked(ctx); err != nil {
		return 0, err
	}
	vs := d.runs[key]
	if len(vs) == 0 {
		return 0, driver.ErrNotFound
	}
	if vs[len(vs)-1].Version != prev {
		return 0, driver.ErrConflict
	}
	vs = append(vs, driver.Record{Key: key, Version: prev + 1, Blob: bytes.Clone(blob), Checksum: sum})
	if keep > 0 && len(vs) > keep {
		vs = slices.Clone(vs[len(vs)-keep:])
	}
	d.runs[key] = vs
	return prev + 1, nil
}

// Versions implements [driver.Store].
func (d *Driver) Versions(ctx context.Context, key scenario.RunKey) ([]driver.VersionInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.readyLocked(ctx); err != nil {
		return nil, err
	}
	vs := d.runs[key]
	if len(vs) == 0 {
		return nil, driver.ErrNotFound
	}
	out := make([]driver.VersionInfo, len(vs))
	for i, r := range vs {
		out[i] = driver.VersionInfo{Version: r.Version, Checksum: r.Checksum, Size: len(r.Blob)}
	}
	return out, nil
}

// List implements [driver.Store].
func (d *Driver) List(ctx context.Context, opts driver.ListOptions) ([]driver.RunInfo, error) {
	if err := driver.CheckListOptions(opts); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.readyLocked(ctx); err != nil {
		return nil, err
	}
	prefix := driver.ScopePrefix(opts)
	var keys []scenario.RunKey
	for k := range d.runs {
		if !bytes.HasPrefix(driver.EncodeKey(k), prefix) {
			continue
		}
		if opts.After != nil && driver.Compare(k, *opts.After) <= 0 {
			continue
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, driver.Compare)
	if len(keys) > opts.Limit {
		keys = keys[:opts.Limit]
	}
	out := make([]driver.RunInfo, len(keys))
	for i, k := range keys {
		vs := d.runs[k]
		out[i] = driver.RunInfo{Key: k, Latest: vs[len(vs)-1].Version, Versions: len(vs)}
	}
	return out, nil
}

// Prune implements [driver.Store].
func (d *Driver) Prune(ctx context.Context, key scenario.RunKey, keep int) (int, error) {
	if err := driver.CheckKeep(keep, 1); err != nil {
		return 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.readyLocked(ctx); err != nil {
		return 0, err
	}
	vs := d.runs[key]
	if len(vs) == 0 {
		return 0, driver.ErrNotFound
	}
	if len(vs) <= keep {
		return 0, nil
	}
	n := len(vs) - keep
	d.runs[key] = slices.Clone(vs[n:])
	return n, nil
}

// PutSpec implements [driver.Store].
func (d *Driver) PutSpec(ctx context.Context, spec driver.Spec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.readyLocked(ctx); err != nil {
		return err
	}
	if _, ok := d.specs[spec.ScenarioID]; ok {
		return driver.ErrAlreadyExists
	}
	spec.Blob = bytes.Clone(spec.Blob)
	d.specs[spec.ScenarioID] = spec
	return nil
}

// GetSpec implements [driver.Store].
func (d *Driver) GetSpec(ctx context.Context, scenarioID string) (driver.Spec, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.readyLocked(ctx); err != nil {
		return driver.Spec{}, err
	}
	s, ok := d.specs[scenarioID]
	if !ok {
		return driver.Spec{}, driver.ErrNotFound
	}
	s.Blob = bytes.Clone(s.Blob)
	return s, nil
}

// ListSpecs implements [driver.Store].
func (d *Driver) ListSpecs(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 {
		return nil, errcode.New(errcode.InvalidArgument, "memstore: list limit %d is below 1", limit)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.readyLocked(ctx); err != nil {
		return nil, err
	}
	var ids []string
	for id := range d.specs {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, nil
}

// Close implements [driver.Store]; it drops the data.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.runs, d.specs = nil, nil
	return nil
}

var _ driver.Store = (*Driver)(nil)
