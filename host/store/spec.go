package store

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// specPage is how many scenario ids one ListSpecs call asks for.
const specPage = 512

// PutSpec implements [engine.SpecStore]: it stores the canonical JSON of a
// spec, whose checksum is the spec hash.
//
// # Errors
//
// AlreadyExists when the scenario id is taken; the driver's codes.
func (s *Store) PutSpec(ctx context.Context, spec *scenario.Spec) error {
	blob, err := encode("spec", spec)
	if err != nil {
		return err
	}
	return s.d.PutSpec(ctx, driver.Spec{ScenarioID: spec.ScenarioID, Blob: blob, Checksum: driver.Sum(blob)})
}

// GetSpec implements [engine.SpecStore].
//
// # Errors
//
// NotFound; DataLoss when the stored bytes fail their checksum or do not
// decode to the scenario they are stored under.
func (s *Store) GetSpec(ctx context.Context, scenarioID string) (*scenario.Spec, error) {
	rec, err := s.d.GetSpec(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	if driver.Sum(rec.Blob) != rec.Checksum {
		return nil, errcode.New(errcode.DataLoss, "store: scenario %s failed its integrity check", scenarioID)
	}
	spec, err := scenario.DecodeSpec(rec.Blob)
	if err != nil {
		return nil, &errcode.Error{Code: errcode.DataLoss, Err: fmt.Errorf("store: scenario %s does not decode: %w", scenarioID, err)}
	}
	if spec.ScenarioID != scenarioID {
		return nil, errcode.New(errcode.DataLoss, "store: scenario %s holds scenario %s", scenarioID, spec.ScenarioID)
	}
	return spec, nil
}

// SpecIDs implements [engine.SpecStore]: every stored scenario id in byte
// order.
func (s *Store) SpecIDs(ctx context.Context) ([]string, error) {
	var out []string
	after := ""
	for {
		page, err := s.d.ListSpecs(ctx, after, specPage)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < specPage {
			return out, nil
		}
		after = page[len(page)-1]
	}
}
