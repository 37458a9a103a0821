package pgstore

import (
	"context"
	"errors"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// Load implements [driver.Store]. The run row and its latest version are
// read in one statement, so they come from one snapshot.
func (d *Driver) Load(ctx context.Context, key scenario.RunKey) (driver.Record, error) {
	const op = "pgstore: load"
	if err := d.begin(ctx, op); err != nil {
		return driver.Record{}, err
	}
	var latest int64
	var blob, sum []byte
	err := d.pool.QueryRow(ctx,
		`SELECT r.latest, v.blob, v.checksum FROM dg_runs r
		 LEFT JOIN dg_run_versions v ON v.run_key = r.run_key AND v.version = r.latest
		 WHERE r.run_key = $1`,
		driver.EncodeKey(key)).Scan(&latest, &blob, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		return driver.Record{}, driver.ErrNotFound
	}
	if err != nil {
		return driver.Record{}, d.classify(ctx, op, err)
	}
	if sum == nil {
		return driver.Record{}, errcode.New(errcode.DataLoss, "pgstore: run %s: latest version %d is missing", key, latest)
	}
	return record(key, latest, blob, sum)
}

// LoadUnlessLatest implements [driver.LatestLoader]: the same statement as
// Load, but the server leaves the blob out (neither decompressed nor sent)
// when the latest version is v with checksum sum.
func (d *Driver) LoadUnlessLatest(ctx context.Context, key scenario.RunKey, v driver.Version, sum driver.Checksum) (driver.Record, bool, error) {
	const op = "pgstore: load"
	if err := d.begin(ctx, op); err != nil {
		return driver.Record{}, false, err
	}
	if v == 0 || v > math.MaxInt64 {
		rec, err := d.Load(ctx, key)
		return rec, false, err
	}
	var latest int64
	var blob, stored []byte
	var same bool
	err := d.pool.QueryRow(ctx,
		`SELECT r.latest, v.checksum, COALESCE(r.latest = $2 AND v.checksum = $3, false),
		        CASE WHEN r.latest = $2 AND v.checksum = $3 THEN NULL ELSE v.blob END
		 FROM dg_runs r
		 LEFT JOIN dg_run_versions v ON v.run_key = r.run_key AND v.version = r.latest
		 WHERE r.run_key = $1`,
		driver.EncodeKey(key), int64(v), sum[:]).Scan(&latest, &stored, &same, &blob)
	if errors.Is(err, pgx.ErrNoRows) {
		return driver.Record{}, false, driver.ErrNotFound
	}
	if err != nil {
		return driver.Record{}, false, d.classify(ctx, op, err)
	}
	if stored == nil {
		return driver.Record{}, false, errcode.New(errcode.DataLoss, "pgstore: run %s: latest version %d is missing", key, latest)
	}
	if same {
		return driver.Record{Key: key, Version: v, Checksum: sum}, true, nil
	}
	rec, err := record(key, latest, blob, stored)
	return rec, false, err
}

// Get implements [driver.Store].
func (d *Driver) Get(ctx context.Context, key scenario.RunKey, v driver.Version) (driver.Record, error) {
	const op = "pgstore: get"
	if err := d.begin(ctx, op); err != nil {
		return driver.Record{}, err
	}
	if v == 0 || v > math.MaxInt64 {
		return driver.Record{}, driver.NotFoundVersion(key, v)
	}
	var blob, sum []byte
	err := d.pool.QueryRow(ctx,
		`SELECT blob, checksum FROM dg_run_versions WHERE run_key = $1 AND version = $2`,
		driver.EncodeKey(key), int64(v)).Scan(&blob, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		return driver.Record{}, driver.NotFoundVersion(key, v)
	}
	if err != nil {
		return driver.Record{}, d.classify(ctx, op, err)
	}
	return record(key, int64(v), blob, sum)
}

// record assembles a read version; a damaged checksum column is DataLoss.
func record(key scenario.RunKey, v int64, blob, sum []byte) (driver.Record, error) {
	c, err := driver.ChecksumFromBytes(sum)
	if err != nil {
		return driver.Record{}, errcode.Wrap(errcode.DataLoss, "pgstore: run "+key.String(), err)
	}
	if v < 1 {
		return driver.Record{}, errcode.New(errcode.DataLoss, "pgstore: run %s has version %d", key, v)
	}
	return driver.Record{Key: key, Version: driver.Version(v), Blob: blob, Checksum: c}, nil
}

// Create implements [driver.Store]: the run row and version 1 are inserted
// by one statement; a taken key inserts neither.
func (d *Driver) Create(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum) (driver.Version, error) {
	err := d.write(ctx, "pgstore: create", func(ctx context.Context, conn *pgxpool.Conn) error {
		tag, err := conn.Exec(ctx,
			`WITH run AS (
				INSERT INTO dg_runs (run_key, latest, oldest) VALUES ($1, 1, 1)
				ON CONFLICT (run_key) DO NOTHING
				RETURNING run_key
			)
			INSERT INTO dg_run_versions (run_key, version, blob, checksum)
			SELECT run_key, 1, $2, $3 FROM run`,
			driver.EncodeKey(key), nonNil(blob), sum[:])
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return driver.ErrAlreadyExists
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// appendVersion moves the latest pointer from $2 to $3 only if it is still
// $2 (the row lock queues concurrent appenders, and the loser's WHERE no
// longer matches once the winner committed), moves the oldest kept version
// up when keep ($4) is positive, and inserts version $3 only if the
// pointer moved.
const appendVersion = `WITH moved AS (
	UPDATE dg_runs SET latest = $3,
		oldest = CASE WHEN $4::bigint > 0 THEN GREATEST(oldest, $3 - $4::bigint + 1) ELSE oldest END
	WHERE run_key = $1 AND latest = $2
	RETURNING 1
), added AS (
	INSERT INTO dg_run_versions (run_key, version, blob, checksum)
	SELECT $1, $3, $5, $6 FROM moved
)
SELECT count(*) FROM moved`

// dropPruned deletes the versions below the run's oldest kept one. It runs
// as a statement of its own after the run row is locked: a statement reads
// from the snapshot taken when it started, and only a snapshot taken after
// the lock is sure to see every version a concurrent writer committed.
// Deleting below the stored oldest is always right, whoever moved it.
const dropPruned = `DELETE FROM dg_run_versions
	WHERE run_key = $1 AND version < (SELECT oldest FROM dg_runs WHERE run_key = $1)`

// Append implements [driver.Store]. The append and, with keep > 0, the
// pruning go to the server as one pipelined batch: one round trip and one
// implicit transaction, so they commit (durably) or fail together.
func (d *Driver) Append(ctx context.Context, key scenario.RunKey, blob []byte, sum driver.Checksum, prev driver.Version, keep int) (driver.Version, error) {
	const op = "pgstore: append"
	if err := driver.CheckKeep(keep, 0); err != nil {
		return 0, err
	}
	k := driver.EncodeKey(key)
	err := d.write(ctx, op, func(ctx context.Context, conn *pgxpool.Conn) error {
		if prev == 0 || prev >= math.MaxInt64 {
			return d.missOrConflict(ctx, conn, k) // no stored version can match
		}
		b := &pgx.Batch{}
		b.Queue(appendVersion, k, int64(prev), int64(prev)+1, int64(keep), nonNil(blob), sum[:])
		if keep > 0 {
			b.Queue(dropPruned, k)
		}
		res := conn.SendBatch(ctx, b)
		var moved int
		if err := res.QueryRow().Scan(&moved); err != nil {
			res.Close()
			return err
		}
		if err := res.Close(); err != nil { // reads the commit's outcome
			return err
		}
		if moved == 0 {
			return d.missOrConflict(ctx, conn, k)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return prev + 1, nil
}

// missOrConflict explains a failed append: the run is absent, or it moved.
func (d *Driver) missOrConflict(ctx context.Context, conn *pgxpool.Conn, k []byte) error {
	var one int
	err := conn.QueryRow(ctx, `SELECT 1 FROM dg_runs WHERE run_key = $1`, k).Scan(&one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return driver.ErrNotFound
	case err != nil:
		return err
	}
	return driver.ErrConflict
}

// Versions implements [driver.Store].
func (d *Driver) Versions(ctx context.Context, key scenario.RunKey) ([]driver.VersionInfo, error) {
	const op = "pgstore: versions"
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	rows, err := d.pool.Query(ctx,
		`SELECT v.version, v.checksum, octet_length(v.blob) FROM dg_runs r
		 LEFT JOIN dg_run_versions v ON v.run_key = r.run_key
		 WHERE r.run_key = $1 ORDER BY v.version`,
		driver.EncodeKey(key))
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	var out []driver.VersionInfo
	for rows.Next() {
		var v *int64
		var sum []byte
		var size *int64
		if err := rows.Scan(&v, &sum, &size); err != nil {
			return nil, d.classify(ctx, op, err)
		}
		if v == nil || size == nil || *v < 1 {
			return nil, errcode.New(errcode.DataLoss, "pgstore: run %s has no readable versions", key)
		}
		c, err := driver.ChecksumFromBytes(sum)
		if err != nil {
			return nil, errcode.Wrap(errcode.DataLoss, "pgstore: run "+key.String(), err)
		}
		out = append(out, driver.VersionInfo{Version: driver.Version(*v), Checksum: c, Size: int(*size)})
	}
	if err := rows.Err(); err != nil {
		return nil, d.classify(ctx, op, err)
	}
	if len(out) == 0 {
		return nil, driver.ErrNotFound
	}
	return out, nil
}

// List implements [driver.Store]. Encoded keys compare as bytes in
// [driver.Compare] order, and so does bytea, so the primary key index
// serves the scope range and the order.
func (d *Driver) List(ctx context.Context, opts driver.ListOptions) ([]driver.RunInfo, error) {
	const op = "pgstore: list"
	if err := driver.CheckListOptions(opts); err != nil {
		return nil, err
	}
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	after := []byte{} // every key is longer than this, so "> after" is "from the start"
	if opts.After != nil {
		after = driver.EncodeKey(*opts.After)
	}
	prefix := driver.ScopePrefix(opts)
	const cols = `SELECT r.run_key, r.latest,
		(SELECT count(*) FROM dg_run_versions v WHERE v.run_key = r.run_key)
		FROM dg_runs r WHERE r.run_key > $1 AND r.run_key >= $2`
	var rows pgx.Rows
	var err error
	if end := prefixEnd(prefix); end != nil {
		rows, err = d.pool.Query(ctx, cols+` AND r.run_key < $3 ORDER BY r.run_key LIMIT $4`,
			after, nonNil(prefix), end, opts.Limit)
	} else {
		rows, err = d.pool.Query(ctx, cols+` ORDER BY r.run_key LIMIT $3`, after, nonNil(prefix), opts.Limit)
	}
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	var out []driver.RunInfo
	for rows.Next() {
		var k []byte
		var latest, n int64
		if err := rows.Scan(&k, &latest, &n); err != nil {
			return nil, d.classify(ctx, op, err)
		}
		key, err := driver.DecodeKey(k)
		if err != nil {
			return nil, err
		}
		if latest < 1 {
			return nil, errcode.New(errcode.DataLoss, "pgstore: run %s has version %d", key, latest)
		}
		out = append(out, driver.RunInfo{Key: key, Latest: driver.Version(latest), Versions: int(n)})
	}
	if err := rows.Err(); err != nil {
		return nil, d.classify(ctx, op, err)
	}
	return out, nil
}

// prefixEnd returns the smallest byte string greater than every string
// starting with prefix, or nil when there is none (an empty prefix, or one
// of 0xFF bytes only).
func prefixEnd(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xFF {
			end := append([]byte(nil), prefix[:i+1]...)
			end[i]++
			return end
		}
	}
	return nil
}

// nonNil turns a nil slice into an empty one: pgx sends nil as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Prune implements [driver.Store]. Moving the oldest kept version locks
// the run row, so pruning queues with appends to the same run; the delete
// that follows in the same batch sees every version committed before.
func (d *Driver) Prune(ctx context.Context, key scenario.RunKey, keep int) (int, error) {
	if err := driver.CheckKeep(keep, 1); err != nil {
		return 0, err
	}
	k := driver.EncodeKey(key)
	var deleted int
	err := d.write(ctx, "pgstore: prune", func(ctx context.Context, conn *pgxpool.Conn) error {
		b := &pgx.Batch{}
		b.Queue(`UPDATE dg_runs SET oldest = GREATEST(oldest, latest - $2::bigint + 1) WHERE run_key = $1`, k, int64(keep))
		b.Queue(dropPruned, k)
		res := conn.SendBatch(ctx, b)
		moved, err := res.Exec()
		if err != nil {
			res.Close()
			return err
		}
		dropped, err := res.Exec()
		if err != nil {
			res.Close()
			return err
		}
		if err := res.Close(); err != nil {
			return err
		}
		if moved.RowsAffected() == 0 {
			return driver.ErrNotFound
		}
		deleted = int(dropped.RowsAffected())
		return nil
	})
	if err != nil {
		return 0, err
	}
	return deleted, nil
}
