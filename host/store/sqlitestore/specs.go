package sqlitestore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store/driver"
)

// PutSpec implements [driver.Store].
func (d *Driver) PutSpec(ctx context.Context, spec driver.Spec) error {
	return d.update(ctx, "sqlitestore: put spec", func(tx *sql.Tx) error {
		tctx := context.WithoutCancel(ctx)
		var n int
		if err := tx.QueryRowContext(tctx, `SELECT COUNT(*) FROM specs WHERE scenario_id = ?`, spec.ScenarioID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return driver.ErrAlreadyExists
		}
		_, err := tx.ExecContext(tctx, `INSERT INTO specs (scenario_id, spec_json, checksum) VALUES (?, ?, ?)`,
			spec.ScenarioID, spec.Blob, spec.Checksum.String())
		return err
	})
}

// GetSpec implements [driver.Store].
func (d *Driver) GetSpec(ctx context.Context, scenarioID string) (driver.Spec, error) {
	const op = "sqlitestore: get spec"
	if err := d.begin(ctx, op); err != nil {
		return driver.Spec{}, err
	}
	var blob []byte
	var sum string
	err := d.db.QueryRowContext(ctx, `SELECT spec_json, checksum FROM specs WHERE scenario_id = ?`, scenarioID).Scan(&blob, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return driver.Spec{}, driver.ErrNotFound
	}
	if err != nil {
		return driver.Spec{}, d.classify(ctx, op, err)
	}
	c, err := driver.ParseChecksum(sum)
	if err != nil {
		return driver.Spec{}, err
	}
	return driver.Spec{ScenarioID: scenarioID, Blob: blob, Checksum: c}, nil
}

// ListSpecs implements [driver.Store].
func (d *Driver) ListSpecs(ctx context.Context, after string, limit int) ([]string, error) {
	const op = "sqlitestore: list specs"
	if limit < 1 {
		return nil, errcode.New(errcode.InvalidArgument, "sqlitestore: list limit %d is below 1", limit)
	}
	if err := d.begin(ctx, op); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT scenario_id FROM specs WHERE scenario_id > ? ORDER BY scenario_id LIMIT ?`, after, limit)
	if err != nil {
		return nil, d.classify(ctx, op, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, d.classify(ctx, op, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, d.classify(ctx, op, err)
	}
	return out, nil
}
