package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store/driver"
)

// PutSpec implements [driver.Store]. Scenario ids are stored as bytea so
// that any id, NUL characters included, is kept and ordered as bytes.
func (d *Driver) PutSpec(ctx context.Context, spec driver.Spec) error {
	return d.write(ctx, "pgstore: put spec", func(ctx context.Context, conn *pgxpool.Conn) error {
		tag, err := conn.Exec(ctx,
			`INSERT INTO dg_specs (scenario_id, blob, checksum) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			nonNil([]byte(spec.ScenarioID)), nonNil(spec.Blob), spec.Checksum[:])
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return driver.ErrAlreadyExists
		}
		return nil
	})
}

// GetSpec implements [driver.Store].
func (d *Driver) GetSpec(ctx context.Context, scenarioID string) (driver.Spec, error) {
	const op = "pgstore: get spec"
	if err := d.begin(ctx, op); err != nil {
		return driver.Spec{}, err
	}
	var blob, sum []byte
	err := d.pool.QueryRow(ctx, `SELECT blob, checksum FROM dg_specs WHERE scenario_id = $1`,
		nonNil([]byte(scenarioID))).Scan(&blob, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		return driver.Spec{}, driver.ErrNotFound
	}
	if err != nil {
		return driver.Spec{}, d.classify(ctx, op, err)
	}
	c, err := driver.ChecksumFromBytes(sum)
	if err != nil {
		return driver.Spec{}, errcode.Wrap(errcode.DataLoss, "pgstore: scenario "+scenarioID, err)
	}
	return driver.Spec{ScenarioID: scenarioID, Blob: nonNil(blob), Checksum: c}, nil
}

// ListSpecs implements [driver.Store].
func (d *Driver) ListSpecs(ctx context.Context, after string, limit int) ([]string, error) {
	const op = "pgstore: list specs"
	if limit < 1 {
		return nil, errcode.New(errcode.InvalidArgument, "pgstore: list limit %d is below 1", limit)
	}
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	rows, err := d.pool.Query(ctx,
		`SELECT scenario_id FROM dg_specs WHERE scenario_id > $1 ORDER BY scenario_id LIMIT $2`,
		nonNil([]byte(after)), limit)
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id []byte
		if err := rows.Scan(&id); err != nil {
			return nil, d.classify(ctx, op, err)
		}
		out = append(out, string(id))
	}
	if err := rows.Err(); err != nil {
		return nil, d.classify(ctx, op, err)
	}
	return out, nil
}
