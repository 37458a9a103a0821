package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// Load implements [driver.Store].
func (d *Driver) Load(ctx context.Context, key scenario.RunKey) (driver.Record, error) {
	var rec driver.Record
	err := d.view(ctx, "boltstore: load", func(tx *bolt.Tx) error {
		k := driver.EncodeKey(key)
		v, err := latest(tx, k)
		if err != nil {
			return err
		}
		if v == 0 {
			return driver.ErrNotFound
		}
		rec, err = readVersion(tx, key, versionPrefix(k), v)
		if errcode.Of(err) == errcode.NotFound {
			return errcode.New(errcode.DataLoss, "boltstore: run %s: latest version %d is missing", key, v)
		}
		return err
	})
	return rec, err
}

// Get implements [driver.Store].
func (d *Driver) Get(ctx context.Context, key scenario.RunKey, v driver.Version) (driver.Record, error) {
	var rec driver.Record
	err := d.view(ctx, "boltstore: get", func(tx *bolt.Tx) error {
		var err error
		rec, err = readVersion(tx, key, versionPrefix(driver.EncodeKey(key)), v)
		return err
	})
	return rec, err
}

func readVersion(tx *bolt.Tx, key scenario.RunKey, prefix []byte, v driver.Version) (driver.Record, error) {
	val := tx.Bucket(versionsBucket).Get(versionKey(prefix, v))
	if val == nil {
		return driver.Record{}, driver.NotFoundVersion(key, v)
	}
	blob, sum, err := unseal(val)
	if err != nil {
		return driver.Record{}, err
	}
	return driver.Record{Key: key, Version: v, Blob: blob, Checksum: sum}, nil
}

// Create implements [driver.Store].
func (d *Driver) Create(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum) (driver.Version, error) {
	k := driver.EncodeKey(key)
	val := seal(blob, sum)
	err := d.update(ctx, "boltstore: create", func(tx *bolt.Tx) error {
		v, err := latest(tx, k)
		if err != nil {
			return err
		}
		if v != 0 {
			return driver.ErrAlreadyExists
		}
		return putVersion(tx, k, versionPrefix(k), 1, val)
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// Append implements [driver.Store].
func (d *Driver) Append(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum, prev driver.Version, keep int) (driver.Version, error) {
	if err := driver.CheckKeep(keep, 0); err != nil {
		return 0, err
	}
	k := driver.EncodeKey(key)
	prefix := versionPrefix(k)
	val := seal(blob, sum)
	err := d.update(ctx, "boltstore: append", func(tx *bolt.Tx) error {
		v, err := latest(tx, k)
		switch {
		case err != nil:
			return err
		case v == 0:
			return driver.ErrNotFound
		case v != prev:
			return driver.ErrConflict
		}
		if err := putVersion(tx, k, prefix, prev+1, val); err != nil {
			return err
		}
		if keep > 0 {
			_, err = prune(tx, prefix, prev+1, keep)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return prev + 1, nil
}

// putVersion writes one version and moves the latest pointer to it.
func putVersion(tx *bolt.Tx, key, prefix []byte, v driver.Version, val []byte) error {
	if err := tx.Bucket(versionsBucket).Put(versionKey(prefix, v), val); err != nil {
		return err
	}
	return tx.Bucket(runsBucket).Put(key, binary.BigEndian.AppendUint64(nil, uint64(v)))
}

// prune deletes the versions of a run older than the newest keep, given its
// latest version.
func prune(tx *bolt.Tx, prefix []byte, latest driver.Version, keep int) (int, error) {
	if uint64(latest) <= uint64(keep) {
		return 0, nil
	}
	cut := latest - driver.Version(keep) // delete versions <= cut
	b := tx.Bucket(versionsBucket)
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		v, ok := versionOf(prefix, k)
		if !ok {
			continue // a longer run id sharing this prefix cannot happen: ids are length-prefixed
		}
		if v > cut {
			break
		}
		doomed = append(doomed, append([]byte(nil), k...))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// Versions implements [driver.Store].
func (d *Driver) Versions(ctx context.Context, key scenario.RunKey) ([]driver.VersionInfo, error) {
	var out []driver.VersionInfo
	err := d.view(ctx, "boltstore: versions", func(tx *bolt.Tx) error {
		k := driver.EncodeKey(key)
		v, err := latest(tx, k)
		if err != nil {
			return err
		}
		if v == 0 {
			return driver.ErrNotFound
		}
		out, err = versions(tx, key, versionPrefix(k))
		return err
	})
	return out, err
}

func versions(tx *bolt.Tx, key scenario.RunKey, prefix []byte) ([]driver.VersionInfo, error) {
	var out []driver.VersionInfo
	c := tx.Bucket(versionsBucket).Cursor()
	for k, val := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, val = c.Next() {
		v, ok := versionOf(prefix, k)
		if !ok {
			return nil, errcode.New(errcode.DataLoss, "boltstore: run %s has a damaged version key", key)
		}
		var sum driver.Checksum
		if len(val) < len(sum) {
			return nil, errcode.New(errcode.DataLoss, "boltstore: run %s version %d is too short to carry a checksum", key, v)
		}
		copy(sum[:], val)
		out = append(out, driver.VersionInfo{Version: v, Checksum: sum, Size: len(val) - len(sum)})
	}
	return out, nil
}

// List implements [driver.Store].
func (d *Driver) List(ctx context.Context, opts driver.ListOptions) ([]driver.RunInfo, error) {
	if err := driver.CheckListOptions(opts); err != nil {
		return nil, err
	}
	var out []driver.RunInfo
	err := d.view(ctx, "boltstore: list", func(tx *bolt.Tx) error {
		prefix := driver.ScopePrefix(opts)
		c := tx.Bucket(runsBucket).Cursor()
		start, skip := prefix, false
		if opts.After != nil {
			if after := driver.EncodeKey(*opts.After); bytes.Compare(after, prefix) >= 0 {
				start, skip = after, true
			}
		}
		var k []byte
		if len(start) == 0 {
			k, _ = c.First()
		} else {
			k, _ = c.Seek(start)
		}
		if skip && bytes.Equal(k, start) {
			k, _ = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < opts.Limit; k, _ = c.Next() {
			key, err := driver.DecodeKey(k)
			if err != nil {
				return err
			}
			v, err := latest(tx, k)
			if err != nil {
				return err
			}
			vs, err := versions(tx, key, versionPrefix(k))
			if err != nil {
				return err
			}
			out = append(out, driver.RunInfo{Key: key, Latest: v, Versions: len(vs)})
		}
		return nil
	})
	return out, err
}

// Prune implements [driver.Store].
func (d *Driver) Prune(ctx context.Context, key scenario.RunKey, keep int) (int, error) {
	if err := driver.CheckKeep(keep, 1); err != nil {
		return 0, err
	}
	k := driver.EncodeKey(key)
	var n int
	err := d.update(ctx, "boltstore: prune", func(tx *bolt.Tx) error {
		v, err := latest(tx, k)
		if err != nil {
			return err
		}
		if v == 0 {
			return driver.ErrNotFound
		}
		n, err = prune(tx, versionPrefix(k), v, keep)
		return err
	})
	return n, err
}
