package store

import (
	"context"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// listPage is how many runs one List call asks for while verifying.
const listPage = 256

// Problem is one stored blob that failed verification.
type Problem struct {
	Kind        string               `json:"kind"` // "run" or "spec"
	TenantID    evidence.TenantID    `json:"tenant_id,omitempty"`
	NamespaceID evidence.NamespaceID `json:"namespace_id,omitempty"`
	RunID       string               `json:"run_id,omitempty"`
	Version     driver.Version       `json:"version,omitempty"` // 0 when the run's version list is unreadable
	ScenarioID  string               `json:"scenario_id,omitempty"`
	Code        errcode.Code         `json:"code"`
	Message     string               `json:"message"`
}

// Report is the outcome of [Store.Verify].
type Report struct {
	Runs     int       `json:"runs"`
	Versions int       `json:"versions"` // run versions checked
	Specs    int       `json:"specs"`
	Problems []Problem `json:"problems"`
}

// OK reports whether every blob verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads every kept version of every run and every stored spec,
// checks each checksum and decodes each blob. Damage (errcode.DataLoss) is
// collected in the report; any other failure stops the walk and is
// returned.
func (s *Store) Verify(ctx context.Context) (*Report, error) {
	rep := &Report{Problems: []Problem{}}
	opts := driver.ListOptions{Limit: listPage}
	for {
		runs, err := s.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, ri := range runs {
			rep.Runs++
			if err := s.verifyRun(ctx, ri.Key, rep); err != nil {
				return nil, err
			}
		}
		if len(runs) < listPage {
			break
		}
		last := runs[len(runs)-1].Key
		opts.After = &last
	}
	ids, err := s.SpecIDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rep.Specs++
		if _, err := s.GetSpec(ctx, id); err != nil {
			if errcode.Of(err) != errcode.DataLoss {
				return nil, err
			}
			rep.Problems = append(rep.Problems, Problem{Kind: "spec", ScenarioID: id, Code: errcode.DataLoss, Message: err.Error()})
		}
	}
	return rep, nil
}

func (s *Store) verifyRun(ctx context.Context, key scenario.RunKey, rep *Report) error {
	problem := func(v driver.Version, err error) Problem {
		return Problem{Kind: "run", TenantID: key.TenantID, NamespaceID: key.NamespaceID, RunID: key.RunID,
			Version: v, Code: errcode.DataLoss, Message: err.Error()}
	}
	vs, err := s.Versions(ctx, key)
	if err != nil {
		if errcode.Of(err) != errcode.DataLoss {
			return err
		}
		rep.Problems = append(rep.Problems, problem(0, err))
		return nil
	}
	for _, vi := range vs {
		rep.Versions++
		if _, err := s.Get(ctx, key, vi.Version); err != nil {
			if errcode.Of(err) != errcode.DataLoss {
				return err
			}
			rep.Problems = append(rep.Problems, problem(vi.Version, err))
		}
	}
	return nil
}
