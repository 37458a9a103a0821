package engine

import (
	"context"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Start begins a run in the spec's first stage. With issueEntryPackets it
// records the "init" trigger, decision-1 (start) and the first stage's entry
// packets; a dispatch denial or error then fails the whole call and nothing
// is saved. Start writes no tool-call record.
//
// # Errors
//
// NotFound (scenario not defined); FailedPrecondition: "scenario mismatch for
// run: X", "namespace mismatch for run: N", "run already exists: X",
// "policy denied disclosure", "payload exceeds size limit (…)".
func (e *Engine) Start(ctx context.Context, cfg scenario.RunConfig, startedAt evidence.Timestamp, issueEntryPackets bool) (*scenario.RunState, error) {
	c, err := e.mustSpec(cfg.ScenarioID)
	if err != nil {
		return nil, err
	}
	if cfg.ScenarioID != c.spec.ScenarioID {
		return nil, controlErr("scenario mismatch for run: %s", cfg.ScenarioID)
	}
	if cfg.NamespaceID != c.spec.NamespaceID {
		return nil, controlErr("namespace mismatch for run: %d", uint64(cfg.NamespaceID))
	}
	key := scenario.RunKey{TenantID: cfg.TenantID, NamespaceID: cfg.NamespaceID, RunID: cfg.RunID}
	unlock := e.lockRun(key)
	defer unlock()
	if _, _, err := e.store.Load(ctx, key); err == nil {
		return nil, controlErr("run already exists: %s", cfg.RunID)
	} else if errcode.Of(err) != errcode.NotFound {
		return nil, runNotFound(key, err)
	}
	first := &c.spec.Stages[0]
	st := &scenario.RunState{
		TenantID: cfg.TenantID, NamespaceID: cfg.NamespaceID, RunID: cfg.RunID,
		ScenarioID: cfg.ScenarioID, SpecHash: c.hash, CurrentStageID: first.StageID,
		StageEnteredAt: startedAt, Status: scenario.RunActive,
		DispatchTargets: append([]scenario.DispatchTarget{}, cfg.DispatchTargets...),
	}
	if issueEntryPackets {
		init := scenario.TriggerEvent{
			TriggerID: "init", TenantID: cfg.TenantID, NamespaceID: cfg.NamespaceID, RunID: cfg.RunID,
			Kind: scenario.TriggerExternalEvent, Time: startedAt, SourceID: "system",
		}
		st.Triggers = append(st.Triggers, scenario.TriggerRecord{Seq: 1, Event: init})
		d := scenario.DecisionRecord{
			DecisionID: "decision-1", Seq: 1, TriggerID: "init", StageID: first.StageID,
			DecidedAt: startedAt, Outcome: scenario.Outcome{Kind: scenario.OutcomeStart, StageID: first.StageID},
		}
		st.Decisions = append(st.Decisions, d)
		pkts, err := e.issuePackets(ctx, c, st, first, &d)
		if err != nil {
			return nil, err
		}
		st.Packets = append(st.Packets, pkts...)
	}
	if _, err := e.store.Create(ctx, st); err != nil {
		if errcode.Of(err) == errcode.AlreadyExists {
			return nil, controlErr("run already exists: %s", cfg.RunID)
		}
		return nil, errcode.Wrap(errcode.Unavailable, "", err)
	}
	return st.Clone(), nil
}
