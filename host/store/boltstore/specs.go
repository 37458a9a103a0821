package boltstore

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store/driver"
)

// PutSpec implements [driver.Store].
func (d *Driver) PutSpec(ctx context.Context, spec driver.Spec) error {
	if spec.ScenarioID == "" {
		return errcode.New(errcode.InvalidArgument, "boltstore: empty scenario id")
	}
	val := seal(spec.Blob, spec.Checksum)
	return d.update(ctx, "boltstore: put spec", func(tx *bolt.Tx) error {
		b := tx.Bucket(specsBucket)
		if b.Get([]byte(spec.ScenarioID)) != nil {
			return driver.ErrAlreadyExists
		}
		return b.Put([]byte(spec.ScenarioID), val)
	})
}

// GetSpec implements [driver.Store].
func (d *Driver) GetSpec(ctx context.Context, scenarioID string) (driver.Spec, error) {
	var out driver.Spec
	err := d.view(ctx, "boltstore: get spec", func(tx *bolt.Tx) error {
		if scenarioID == "" {
			return driver.ErrNotFound
		}
		val := tx.Bucket(specsBucket).Get([]byte(scenarioID))
		if val == nil {
			return driver.ErrNotFound
		}
		blob, sum, err := unseal(val)
		if err != nil {
			return err
		}
		out = driver.Spec{ScenarioID: scenarioID, Blob: blob, Checksum: sum}
		return nil
	})
	return out, err
}

// ListSpecs implements [driver.Store].
func (d *Driver) ListSpecs(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 {
		return nil, errcode.New(errcode.InvalidArgument, "boltstore: list limit %d is below 1", limit)
	}
	var out []string
	err := d.view(ctx, "boltstore: list specs", func(tx *bolt.Tx) error {
		c := tx.Bucket(specsBucket).Cursor()
		var k []byte
		if after == "" {
			k, _ = c.First()
		} else {
			k, _ = c.Seek([]byte(after))
			if bytes.Equal(k, []byte(after)) {
				k, _ = c.Next()
			}
		}
		for ; k != nil && len(out) < limit; k, _ = c.Next() {
			out = append(out, string(k))
		}
		return nil
	})
	return out, err
}
