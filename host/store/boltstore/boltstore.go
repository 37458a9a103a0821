package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/internal/groupcommit"
)

// formatVersion is the on-disk layout version kept in the meta bucket.
const formatVersion = "1"

// DefaultTimeout is how long Open waits for another process's file lock.
const DefaultTimeout = time.Second

// initialMmapSize is the address space mapped at open: 256 MiB on 64-bit
// platforms (virtual memory only), bbolt's default elsewhere.
const initialMmapSize = 256 << 20 * int(^uint(0)>>63)

var (
	metaBucket     = []byte("meta")
	runsBucket     = []byte("runs")
	versionsBucket = []byte("versions")
	specsBucket    = []byte("specs")
	formatKey      = []byte("run_state_format") // not the schema registry's "format" key
)

// Options configures [Open] and [OpenDriver]. A nil *Options means all
// defaults.
type Options struct {
	// Timeout bounds the wait for the file lock; 0 means DefaultTimeout.
	Timeout time.Duration
	// Store configures the portable store that [Open] returns.
	Store store.Options
}

// Driver is a run-state backend over one bbolt file. It is safe for
// concurrent use; Close it when done.
type Driver struct {
	db     *bolt.DB
	path   string
	group  *groupcommit.Group[*bolt.Tx]
	closed atomic.Bool
}

// Open opens (creating if needed) the run-state file at path and returns
// the portable store over it. Close the store when done.
//
// # Errors
//
// As for [OpenDriver]; errcode.InvalidArgument for bad store options.
func Open(path string, opts *Options) (*store.Store, error) {
	d, err := OpenDriver(path, opts)
	if err != nil {
		return nil, err
	}
	var so *store.Options
	if opts != nil {
		so = &opts.Store
	}
	return store.New(d, so)
}

// OpenDriver opens (creating if needed) the run-state file at path.
//
// # Errors
//
// errcode.Unavailable when another process holds the file;
// errcode.FailedPrecondition when the file has an unknown layout version;
// errcode.Internal for I/O errors and files that are not bbolt databases.
func OpenDriver(path string, opts *Options) (*Driver, error) {
	const op = "boltstore: open"
	timeout := DefaultTimeout
	if opts != nil && opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: timeout,
		// The free list is rebuilt from the file on open instead of being
		// written by every commit (as etcd does): fewer pages per fsync.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		// Reserve address space up front so the file's growth does not
		// remap it (a remap waits for every reader) while it is small.
		InitialMmapSize: initialMmapSize,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, &errcode.Error{Code: errcode.Unavailable, Op: op, Err: fmt.Errorf("%s is locked by another process", path)}
		}
		return nil, &errcode.Error{Code: errcode.Internal, Op: op, Err: err}
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		for _, b := range [][]byte{runsBucket, versionsBucket, specsBucket} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		switch v := meta.Get(formatKey); {
		case v == nil:
			return meta.Put(formatKey, []byte(formatVersion))
		case string(v) != formatVersion:
			return errcode.New(errcode.FailedPrecondition, "%s has run-state layout %q, this build reads %q", path, v, formatVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, errcode.Wrap(errcode.Internal, op, err)
	}
	d := &Driver{db: db, path: path}
	d.group = groupcommit.New(func(_ context.Context, fn func(*bolt.Tx) error) error { return db.Update(fn) })
	return d, nil
}

// Path returns the database file.
func (d *Driver) Path() string { return d.path }

// begin checks the context and the closed flag before a call.
func (d *Driver) begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return errcode.Wrap(errcode.Of(err), op, err)
	}
	if d.closed.Load() {
		return driver.ErrClosed
	}
	return nil
}

// classify codes a bbolt error: a closed database is unavailable, coded
// errors keep their code, the rest is internal.
func (d *Driver) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) || (d.closed.Load() && errcode.Of(err) == errcode.Internal) {
		return driver.ErrClosed
	}
	return errcode.Wrap(errcode.Internal, op, err)
}

// view runs a read-only transaction.
func (d *Driver) view(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	if err := d.begin(ctx, op); err != nil {
		return err
	}
	return d.classify(op, d.db.View(fn))
}

// update runs a write in the next group commit.
func (d *Driver) update(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	if err := d.begin(ctx, op); err != nil {
		return err
	}
	return d.classify(op, d.group.Do(ctx, fn))
}

// Close implements [driver.Store]. It waits for running transactions.
func (d *Driver) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	return d.classify("boltstore: close", d.db.Close())
}

// versionPrefix is the "versions" key prefix of one run: tenant and
// namespace (8 bytes each), the run id's length (4 bytes) and the run id.
func versionPrefix(key []byte) []byte {
	id := key[driver.KeyPrefixLen:]
	b := make([]byte, 0, len(key)+4+8)
	b = append(b, key[:driver.KeyPrefixLen]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(id)))
	return append(b, id...)
}

// versionKey is the "versions" key of one version of a run.
func versionKey(prefix []byte, v driver.Version) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), uint64(v))
}

// versionOf reads the version from a "versions" key with a known prefix.
func versionOf(prefix, k []byte) (driver.Version, bool) {
	if len(k) != len(prefix)+8 {
		return 0, false
	}
	return driver.Version(binary.BigEndian.Uint64(k[len(prefix):])), true
}

// seal prepends the checksum to a blob.
func seal(blob []byte, sum driver.Checksum) []byte {
	out := make([]byte, 0, len(sum)+len(blob))
	return append(append(out, sum[:]...), blob...)
}

// unseal splits a stored value into a copy of its blob and its checksum.
func unseal(v []byte) ([]byte, driver.Checksum, error) {
	var sum driver.Checksum
	if len(v) < len(sum) {
		return nil, sum, errcode.New(errcode.DataLoss, "boltstore: stored value of %d bytes is too short to carry a checksum", len(v))
	}
	copy(sum[:], v)
	return append([]byte(nil), v[len(sum):]...), sum, nil
}

// latest reads a run's latest-version pointer (0 when the run is absent).
func latest(tx *bolt.Tx, key []byte) (driver.Version, error) {
	v := tx.Bucket(runsBucket).Get(key)
	switch len(v) {
	case 0:
		if v == nil {
			return 0, nil
		}
	case 8:
		if n := binary.BigEndian.Uint64(v); n > 0 {
			return driver.Version(n), nil
		}
	}
	return 0, errcode.New(errcode.DataLoss, "boltstore: latest-version pointer of run %x is damaged", key)
}

var _ driver.Store = (*Driver)(nil)
