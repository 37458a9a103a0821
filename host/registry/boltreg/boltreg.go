package boltreg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// formatVersion is the on-disk layout version kept in the meta bucket.
const formatVersion = "1"

// DefaultTimeout is how long Open waits for another process's file lock.
const DefaultTimeout = time.Second

var (
	metaBucket   = []byte("meta")
	countsBucket = []byte("counts")
	formatKey    = []byte("format")
)

// Options configures [Open]. A nil *Options means all defaults.
type Options struct {
	// Timeout bounds the wait for the file lock; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Driver is a registry backend over one bbolt file. Close it when done.
type Driver struct {
	db     *bolt.DB
	closed atomic.Bool
}

// Open opens (creating if needed) the registry file at path.
//
// # Errors
//
// errcode.Unavailable when another process holds the file;
// errcode.FailedPrecondition when the file has an unknown format version;
// errcode.Internal for I/O errors.
func Open(path string, opts *Options) (*Driver, error) {
	const op = "boltreg: open"
	timeout := DefaultTimeout
	if opts != nil && opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
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
		if _, err := tx.CreateBucketIfNotExists(countsBucket); err != nil {
			return err
		}
		switch v := meta.Get(formatKey); {
		case v == nil:
			return meta.Put(formatKey, []byte(formatVersion))
		case string(v) != formatVersion:
			return errcode.New(errcode.FailedPrecondition, "%s has registry format %q, this build reads %q", path, v, formatVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, errcode.Wrap(errcode.Internal, op, err)
	}
	return &Driver{db: db}, nil
}

func bucketName(s driver.Scope) []byte {
	return fmt.Appendf(nil, "scope/%d/%d", s.TenantID, s.NamespaceID)
}

// seal prepends the checksum to a value.
func seal(value []byte) []byte {
	sum := sha256.Sum256(value)
	return append(sum[:], value...)
}

// unseal verifies a stored value and returns a copy of its payload.
func unseal(sc driver.Scope, key driver.Key, stored []byte) ([]byte, error) {
	if len(stored) >= sha256.Size {
		sum := sha256.Sum256(stored[sha256.Size:])
		if bytes.Equal(sum[:], stored[:sha256.Size]) {
			return bytes.Clone(stored[sha256.Size:]), nil
		}
	}
	return nil, errcode.New(errcode.DataLoss, "boltreg: record %s %s failed its integrity check", sc, key)
}

// readCount returns the record count of a scope (0 when it has none yet).
func readCount(counts *bolt.Bucket, sc driver.Scope, name []byte) (uint64, error) {
	c := counts.Get(name)
	switch len(c) {
	case 0:
		return 0, nil
	case 8:
		return binary.BigEndian.Uint64(c), nil
	}
	return 0, errcode.New(errcode.DataLoss, "boltreg: record count of %s is damaged", sc)
}

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
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return driver.ErrClosed
	}
	return errcode.Wrap(errcode.Internal, op, err)
}

// Put implements [driver.Driver].
func (d *Driver) Put(ctx context.Context, sc driver.Scope, key driver.Key, value []byte, maxEntries uint64) error {
	const op = "boltreg: put"
	if err := d.begin(ctx, op); err != nil {
		return err
	}
	name := bucketName(sc)
	err := d.db.Update(func(tx *bolt.Tx) error {
		counts := tx.Bucket(countsBucket)
		n, err := readCount(counts, sc, name)
		if err != nil {
			return err
		}
		if maxEntries > 0 && n >= maxEntries {
			return driver.ErrFull
		}
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		k := driver.EncodeKey(key)
		if b.Get(k) != nil {
			return driver.ErrExists
		}
		if err := b.Put(k, seal(value)); err != nil {
			return err
		}
		return counts.Put(name, binary.BigEndian.AppendUint64(nil, n+1))
	})
	return classify(op, err)
}

// Get implements [driver.Driver].
func (d *Driver) Get(ctx context.Context, sc driver.Scope, key driver.Key) ([]byte, error) {
	const op = "boltreg: get"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	var out []byte
	err := d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName(sc))
		if b == nil {
			return driver.ErrNotFound
		}
		v := b.Get(driver.EncodeKey(key))
		if v == nil {
			return driver.ErrNotFound
		}
		var err error
		out, err = unseal(sc, key, v)
		return err
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

// List implements [driver.Driver].
func (d *Driver) List(ctx context.Context, sc driver.Scope, after *driver.Key, limit int) ([]driver.Entry, error) {
	const op = "boltreg: list"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	var out []driver.Entry
	err := d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName(sc))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		var k, v []byte
		if after == nil {
			k, v = c.First()
		} else {
			seek := driver.EncodeKey(*after)
			k, v = c.Seek(seek)
			if bytes.Equal(k, seek) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			key, err := driver.DecodeKey(k)
			if err != nil {
				return &errcode.Error{Code: errcode.DataLoss, Op: op, Err: err}
			}
			val, err := unseal(sc, key, v)
			if err != nil {
				return err
			}
			out = append(out, driver.Entry{Key: key, Value: val})
		}
		return nil
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

// Count implements [driver.Driver].
func (d *Driver) Count(ctx context.Context, sc driver.Scope) (uint64, error) {
	const op = "boltreg: count"
	if err := d.begin(ctx, op); err != nil {
		return 0, err
	}
	var n uint64
	err := d.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = readCount(tx.Bucket(countsBucket), sc, bucketName(sc))
		return err
	})
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

// Close implements [driver.Driver]. It waits for running transactions.
func (d *Driver) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	return classify("boltreg: close", d.db.Close())
}

var _ driver.Driver = (*Driver)(nil)
