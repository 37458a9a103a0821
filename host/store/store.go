package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// Options configures [New]. A nil *Options means the defaults.
type Options struct {
	// MaxVersions is how many versions of each run are kept
	// (run_state_store.max_versions): every save prunes older ones in the
	// same write. 0 keeps all; negative is an error.
	MaxVersions int
	// CacheBytes bounds the cache of decoded run states (by the size of
	// their blobs): a load whose verified blob matches the cached version
	// skips decoding. 0 means DefaultCacheBytes; negative disables it.
	CacheBytes int
	// Logger receives lifecycle logs; nil discards them.
	Logger *slog.Logger
}

// Store is the portable run-state store: it implements [engine.RunStore]
// and [engine.SpecStore] over a [driver.Store], encoding run states and
// specs as canonical JSON and checking each blob's SHA-256 on every read.
// A blob that fails the check is reported as errcode.DataLoss and never
// decoded or served.
//
// A Store is safe for concurrent use. It owns its driver: Close closes it.
type Store struct {
	d      driver.Store
	keep   int
	log    *slog.Logger
	cache  *stateCache
	closed atomic.Bool
}

// New returns a store over d and takes ownership of d.
//
//	d, _ := boltstore.OpenDriver(path, nil) // or use boltstore.Open directly
//	st, _ := store.New(d, &store.Options{MaxVersions: 16})
//	eng := engine.New(source, st, &engine.Options{Specs: st})
//
// # Errors
//
// errcode.InvalidArgument for a negative MaxVersions (d is then closed).
func New(d driver.Store, opts *Options) (*Store, error) {
	s := &Store{d: d, log: slog.New(slog.DiscardHandler)}
	budget := DefaultCacheBytes
	if opts != nil {
		if opts.CacheBytes != 0 {
			budget = opts.CacheBytes
		}
		if opts.MaxVersions < 0 {
			d.Close()
			return nil, errcode.New(errcode.InvalidArgument, "store: max_versions %d is negative", opts.MaxVersions)
		}
		s.keep = opts.MaxVersions
		if opts.Logger != nil {
			s.log = opts.Logger
		}
	}
	s.cache = newStateCache(budget)
	return s, nil
}

// Driver returns the backend (for tests and tools).
func (s *Store) Driver() driver.Store { return s.d }

// MaxVersions returns the retention setting (0 keeps all).
func (s *Store) MaxVersions() int { return s.keep }

// Load implements [engine.RunStore]: it returns the latest version of a
// run.
//
// # Errors
//
// NotFound; DataLoss when the stored bytes fail their checksum or do not
// decode to the run they are stored under; the driver's codes otherwise.
func (s *Store) Load(ctx context.Context, key scenario.RunKey) (*scenario.RunState, engine.Version, error) {
	if ll, ok := s.d.(driver.LatestLoader); ok {
		// Ask for the blob only if the latest version is not the cached
		// one. The cached state was verified when it was read or written,
		// and a stored version never changes.
		if st, v, sum, ok := s.cache.current(key); ok {
			rec, unchanged, err := ll.LoadUnlessLatest(ctx, key, v, sum)
			switch {
			case err != nil:
				return nil, 0, err
			case unchanged:
				return st, engine.Version(v), nil
			}
			return s.loaded(key, rec)
		}
	}
	rec, err := s.d.Load(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	return s.loaded(key, rec)
}

// LoadCached implements [engine.CachedRunStore]: a private copy of the
// last version of the run this store read or wrote, if it is cached. The
// engine uses it for calls that save, whose save fails with Conflict if
// another server stored a newer version in the meantime.
func (s *Store) LoadCached(key scenario.RunKey) (*scenario.RunState, engine.Version, bool) {
	st, v, _, ok := s.cache.current(key)
	return st, engine.Version(v), ok
}

// loaded verifies a record read from the driver and returns its state,
// decoding it unless the cache holds that very version.
func (s *Store) loaded(key scenario.RunKey, rec driver.Record) (*scenario.RunState, engine.Version, error) {
	if err := check(key, rec); err != nil {
		return nil, 0, err
	}
	if st, ok := s.cache.get(key, rec.Version, rec.Checksum); ok {
		return st, engine.Version(rec.Version), nil
	}
	st, err := decodeVerified(key, rec)
	if err != nil {
		return nil, 0, err
	}
	s.cache.put(st, rec.Version, rec.Checksum, len(rec.Blob), nil, st)
	return st, engine.Version(rec.Version), nil
}

// Create implements [engine.RunStore]: it stores version 1 of a new run.
//
// # Errors
//
// AlreadyExists; Internal when st does not encode; the driver's codes.
func (s *Store) Create(ctx context.Context, st *scenario.RunState) (engine.Version, error) {
	blob, enc, err := s.encodeRun(st, 0)
	if err != nil {
		return 0, err
	}
	sum := driver.Sum(blob)
	v, err := s.d.Create(ctx, st.Key(), blob, sum)
	if err != nil {
		return 0, err
	}
	s.cache.put(st, v, sum, len(blob), enc, st)
	return engine.Version(v), nil
}

// Save implements [engine.RunStore]: it appends a version over prev and
// prunes to MaxVersions in the same write. When Save returns nil the new
// version is durable.
//
// # Errors
//
// Conflict when the latest version is not prev; NotFound; the driver's
// codes.
func (s *Store) Save(ctx context.Context, st *scenario.RunState, prev engine.Version) (engine.Version, error) {
	blob, enc, err := s.encodeRun(st, driver.Version(prev))
	if err != nil {
		return 0, err
	}
	sum := driver.Sum(blob)
	v, err := s.d.Append(ctx, st.Key(), blob, sum, driver.Version(prev), s.keep)
	if err != nil {
		s.cache.drop(st.Key())
		return 0, err
	}
	s.cache.put(st, v, sum, len(blob), enc, st)
	return engine.Version(v), nil
}

// encodeRun returns the canonical JSON of st, reusing the list encodings
// of version prev when st is the state a Load of it handed out.
func (s *Store) encodeRun(st *scenario.RunState, prev driver.Version) ([]byte, *encoded, error) {
	var base *encoded
	if prev > 0 {
		base = s.cache.encoding(st, prev)
	}
	blob, enc, err := encodeRun(st, base)
	if err == nil {
		return blob, enc, nil
	}
	// Composition failed: fall back to encoding the whole state, which
	// reports a genuine encoding error itself.
	blob, err = encode("run state", st)
	return blob, nil, err
}

// Record returns one kept version of a run as stored (v 0 means the
// latest), after checking its checksum.
//
// # Errors
//
// NotFound; DataLoss when the blob fails its checksum.
func (s *Store) Record(ctx context.Context, key scenario.RunKey, v driver.Version) (driver.Record, error) {
	var rec driver.Record
	var err error
	if v == 0 {
		rec, err = s.d.Load(ctx, key)
	} else {
		rec, err = s.d.Get(ctx, key, v)
	}
	if err != nil {
		return driver.Record{}, err
	}
	if err := check(key, rec); err != nil {
		return driver.Record{}, err
	}
	return rec, nil
}

// Get returns one kept version of a run decoded (v 0 means the latest).
//
// # Errors
//
// As for [Store.Record], plus DataLoss when the blob does not decode.
func (s *Store) Get(ctx context.Context, key scenario.RunKey, v driver.Version) (*scenario.RunState, error) {
	rec, err := s.Record(ctx, key, v)
	if err != nil {
		return nil, err
	}
	return decodeVerified(key, rec)
}

// Versions lists the kept versions of a run, oldest first.
func (s *Store) Versions(ctx context.Context, key scenario.RunKey) ([]driver.VersionInfo, error) {
	return s.d.Versions(ctx, key)
}

// List returns up to opts.Limit runs in [driver.Compare] order.
//
// # Errors
//
// InvalidArgument for a limit below 1 or a namespace without a tenant.
func (s *Store) List(ctx context.Context, opts driver.ListOptions) ([]driver.RunInfo, error) {
	if err := driver.CheckListOptions(opts); err != nil {
		return nil, err
	}
	return s.d.List(ctx, opts)
}

// Prune deletes every version of a run older than its newest keep and
// returns how many it deleted.
//
// # Errors
//
// InvalidArgument for keep below 1; NotFound.
func (s *Store) Prune(ctx context.Context, key scenario.RunKey, keep int) (int, error) {
	if err := driver.CheckKeep(keep, 1); err != nil {
		return 0, err
	}
	return s.d.Prune(ctx, key, keep)
}

// Close closes the driver. It is idempotent.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	return s.d.Close()
}

// encode returns the canonical JSON of v.
func encode(what string, v any) ([]byte, error) {
	b, err := canonjson.Marshal(v)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, "store: encode "+what, err)
	}
	return b, nil
}

// check verifies a record's checksum and key.
func check(key scenario.RunKey, rec driver.Record) error {
	if driver.Sum(rec.Blob) != rec.Checksum {
		return errcode.New(errcode.DataLoss, "store: run %s version %d failed its integrity check", key, rec.Version)
	}
	if rec.Key != key {
		return errcode.New(errcode.DataLoss, "store: backend returned run %s for %s", rec.Key, key)
	}
	return nil
}

func decodeVerified(key scenario.RunKey, rec driver.Record) (*scenario.RunState, error) {
	st, err := scenario.DecodeRunState(rec.Blob)
	if err != nil {
		return nil, &errcode.Error{Code: errcode.DataLoss, Err: fmt.Errorf("store: run %s version %d does not decode: %w", key, rec.Version, err)}
	}
	if st.Key() != key {
		return nil, errcode.New(errcode.DataLoss, "store: run %s version %d holds run %s", key, rec.Version, st.Key())
	}
	return st, nil
}

var (
	_ engine.CachedRunStore = (*Store)(nil)
	_ engine.SpecStore      = (*Store)(nil)
)
