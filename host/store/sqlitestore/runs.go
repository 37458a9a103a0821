package sqlitestore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// Load implements [driver.Store].
func (d *Driver) Load(ctx context.Context, key scenario.RunKey) (driver.Record, error) {
	const op = "sqlitestore: load"
	if err := d.begin(ctx, op); err != nil {
		return driver.Record{}, err
	}
	var v int64
	var blob []byte
	var sum sql.NullString
	err := d.db.QueryRowContext(ctx,
		`SELECT r.latest_version, v.state_json, v.checksum FROM runs r
		 LEFT JOIN run_versions v ON v.run_key = r.run_key AND v.version = r.latest_version
		 WHERE r.run_key = ?`, driver.EncodeKey(key)).Scan(&v, &blob, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return driver.Record{}, driver.ErrNotFound
	}
	if err != nil {
		return driver.Record{}, d.classify(ctx, op, err)
	}
	if !sum.Valid {
		return driver.Record{}, errcode.New(errcode.DataLoss, "sqlitestore: run %s: latest version %d is missing", key, v)
	}
	return record(key, v, blob, sum.String)
}

func record(key scenario.RunKey, v int64, blob []byte, sum string) (driver.Record, error) {
	c, err := driver.ParseChecksum(sum)
	if err != nil {
		return driver.Record{}, err
	}
	if v < 1 {
		return driver.Record{}, errcode.New(errcode.DataLoss, "sqlitestore: run %s has version %d", key, v)
	}
	return driver.Record{Key: key, Version: driver.Version(v), Blob: blob, Checksum: c}, nil // Scan copied blob
}

// Get implements [driver.Store].
func (d *Driver) Get(ctx context.Context, key scenario.RunKey, v driver.Version) (driver.Record, error) {
	const op = "sqlitestore: get"
	if err := d.begin(ctx, op); err != nil {
		return driver.Record{}, err
	}
	var blob []byte
	var sum string
	err := d.db.QueryRowContext(ctx,
		`SELECT state_json, checksum FROM run_versions WHERE run_key = ? AND version = ?`,
		driver.EncodeKey(key), int64(v)).Scan(&blob, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return driver.Record{}, driver.NotFoundVersion(key, v)
	}
	if err != nil {
		return driver.Record{}, d.classify(ctx, op, err)
	}
	return record(key, int64(v), blob, sum)
}

// latest reads a run's latest version inside a write (0 when absent).
func latest(ctx context.Context, tx *sql.Tx, k []byte) (driver.Version, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `SELECT latest_version FROM runs WHERE run_key = ?`, k).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if v < 1 {
		return 0, errcode.New(errcode.DataLoss, "sqlitestore: run %x has latest version %d", k, v)
	}
	return driver.Version(v), nil
}

// Create implements [driver.Store].
func (d *Driver) Create(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum) (driver.Version, error) {
	k := driver.EncodeKey(key)
	err := d.update(ctx, "sqlitestore: create", func(tx *sql.Tx) error {
		tctx := context.WithoutCancel(ctx)
		v, err := latest(tctx, tx, k)
		if err != nil {
			return err
		}
		if v != 0 {
			return driver.ErrAlreadyExists
		}
		if _, err := tx.ExecContext(tctx,
			`INSERT INTO runs (run_key, tenant_id, namespace_id, run_id, latest_version) VALUES (?, ?, ?, ?, 1)`,
			k, int64(key.TenantID), int64(key.NamespaceID), key.RunID); err != nil {
			return err
		}
		_, err = tx.ExecContext(tctx,
			`INSERT INTO run_versions (run_key, version, state_json, checksum) VALUES (?, 1, ?, ?)`,
			k, blob, sum.String())
		return err
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
	next := prev + 1
	err := d.update(ctx, "sqlitestore: append", func(tx *sql.Tx) error {
		tctx := context.WithoutCancel(ctx)
		v, err := latest(tctx, tx, k)
		switch {
		case err != nil:
			return err
		case v == 0:
			return driver.ErrNotFound
		case v != prev:
			return driver.ErrConflict
		}
		if _, err := tx.ExecContext(tctx,
			`INSERT INTO run_versions (run_key, version, state_json, checksum) VALUES (?, ?, ?, ?)`,
			k, int64(next), blob, sum.String()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tctx, `UPDATE runs SET latest_version = ? WHERE run_key = ?`, int64(next), k); err != nil {
			return err
		}
		if keep > 0 && uint64(next) > uint64(keep) {
			_, err = tx.ExecContext(tctx, `DELETE FROM run_versions WHERE run_key = ? AND version <= ?`,
				k, int64(next)-int64(keep))
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return next, nil
}

// Versions implements [driver.Store].
func (d *Driver) Versions(ctx context.Context, key scenario.RunKey) ([]driver.VersionInfo, error) {
	const op = "sqlitestore: versions"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	k := driver.EncodeKey(key)
	rows, err := d.db.QueryContext(ctx,
		`SELECT version, checksum, length(state_json) FROM run_versions WHERE run_key = ? ORDER BY version`, k)
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	var out []driver.VersionInfo
	for rows.Next() {
		var v, size int64
		var sum string
		if err := rows.Scan(&v, &sum, &size); err != nil {
			return nil, d.classify(ctx, op, err)
		}
		c, err := driver.ParseChecksum(sum)
		if err != nil {
			return nil, err
		}
		out = append(out, driver.VersionInfo{Version: driver.Version(v), Checksum: c, Size: int(size)})
	}
	if err := rows.Err(); err != nil {
		return nil, d.classify(ctx, op, err)
	}
	if len(out) == 0 {
		var n int
		err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM runs WHERE run_key = ?`, k).Scan(&n)
		if err != nil {
			return nil, d.classify(ctx, op, err)
		}
		if n == 0 {
			return nil, driver.ErrNotFound
		}
		return nil, errcode.New(errcode.DataLoss, "sqlitestore: run %s has no versions", key)
	}
	return out, nil
}

// prefixEnd returns the smallest byte string greater than every string
// with the given prefix, or nil when there is none (all 0xFF).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// List implements [driver.Store].
func (d *Driver) List(ctx context.Context, opts driver.ListOptions) ([]driver.RunInfo, error) {
	const op = "sqlitestore: list"
	if err := driver.CheckListOptions(opts); err != nil {
		return nil, err
	}
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	from, strict := driver.ScopePrefix(opts), false
	if opts.After != nil {
		if after := driver.EncodeKey(*opts.After); string(after) >= string(from) {
			from, strict = after, true
		}
	}
	q := `SELECT r.run_key, r.latest_version,
		(SELECT COUNT(*) FROM run_versions v WHERE v.run_key = r.run_key)
		FROM runs r WHERE `
	if from == nil {
		from = []byte{} // a nil []byte binds as NULL, which compares with nothing
	}
	args := []any{from}
	if strict {
		q += `r.run_key > ?`
	} else {
		q += `r.run_key >= ?`
	}
	if end := prefixEnd(driver.ScopePrefix(opts)); end != nil && opts.TenantID != 0 {
		q += ` AND r.run_key < ?`
		args = append(args, end)
	}
	q += ` ORDER BY r.run_key LIMIT ?`
	args = append(args, opts.Limit)
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	var out []driver.RunInfo
	for rows.Next() {
		var k []byte
		var v, n int64
		if err := rows.Scan(&k, &v, &n); err != nil {
			return nil, d.classify(ctx, op, err)
		}
		key, err := driver.DecodeKey(k)
		if err != nil {
			return nil, err
		}
		out = append(out, driver.RunInfo{Key: key, Latest: driver.Version(v), Versions: int(n)})
	}
	if err := rows.Err(); err != nil {
		return nil, d.classify(ctx, op, err)
	}
	return out, nil
}

// Prune implements [driver.Store].
func (d *Driver) Prune(ctx context.Context, key scenario.RunKey, keep int) (int, error) {
	if err := driver.CheckKeep(keep, 1); err != nil {
		return 0, err
	}
	k := driver.EncodeKey(key)
	var n int64
	err := d.update(ctx, "sqlitestore: prune", func(tx *sql.Tx) error {
		tctx := context.WithoutCancel(ctx)
		v, err := latest(tctx, tx, k)
		if err != nil {
			return err
		}
		if v == 0 {
			return driver.ErrNotFound
		}
		n = 0
		if uint64(v) <= uint64(keep) {
			return nil
		}
		res, err := tx.ExecContext(tctx, `DELETE FROM run_versions WHERE run_key = ? AND version <= ?`,
			k, int64(v)-int64(keep))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
