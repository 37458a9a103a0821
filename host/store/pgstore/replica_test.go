package pgstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/pgtest"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// replica is one server's worth of state: an engine over a store with its
// own connection pool. Replicas share nothing but the database.
type replica struct {
	eng *engine.Engine
	st  *store.Store
	cs  *countingStore
}

// countingStore counts the saves that lost a race.
type countingStore struct {
	*store.Store
	conflicts atomic.Int64
}

func (c *countingStore) Save(ctx context.Context, st *scenario.RunState, prev engine.Version) (engine.Version, error) {
	v, err := c.Store.Save(ctx, st, prev)
	if errcode.Of(err) == errcode.Conflict {
		c.conflicts.Add(1)
	}
	return v, err
}

// conflicts sums the lost races of all replicas.
func conflicts(reps []*replica) int64 {
	var n int64
	for _, r := range reps {
		n += r.cs.conflicts.Load()
	}
	return n
}

// newReplicas opens n replicas on dsn; the first defines the fixture
// scenario (unless the database has it) and the others find it there.
func newReplicas(tb testing.TB, dsn string, n int, src engine.EvidenceSource, opts *Options) []*replica {
	tb.Helper()
	ctx := context.Background()
	var out []*replica
	for i := range n {
		st, err := Open(ctx, dsn, opts)
		if err != nil {
			tb.Fatalf("Open: %v", err)
		}
		tb.Cleanup(func() { st.Close() })
		cs := &countingStore{Store: st}
		eng := engine.New(src, cs, &engine.Options{Specs: st, BaseContext: context.Background})
		if i == 0 {
			_, err := eng.Define(ctx, storetest.Spec())
			if errcode.Of(err) == errcode.AlreadyExists { // an earlier benchmark round defined it
				err = eng.Restore(ctx)
			}
			if err != nil {
				tb.Fatalf("Define: %v", err)
			}
		} else if err := eng.Restore(ctx); err != nil {
			tb.Fatalf("Restore: %v", err)
		}
		out = append(out, &replica{eng: eng, st: st, cs: cs})
	}
	return out
}

func runKey(run string) scenario.RunKey {
	return scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: run}
}

func start(ctx context.Context, r *replica, run string) error {
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: run, ScenarioID: storetest.ScenarioID,
		DispatchTargets: []scenario.DispatchTarget{}, PolicyTags: []string{}}
	_, err := r.eng.Start(ctx, cfg, evidence.AtLogical(1), false)
	return err
}

func fire(ctx context.Context, r *replica, run, triggerID string, at uint64) (*scenario.NextResult, error) {
	return r.eng.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: triggerID, TenantID: 1, NamespaceID: 1,
		RunID: run, Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(at), SourceID: "replica-test"})
}

// TestReplicas_sameTrigger sends one trigger to two replicas at the same
// moment, 200 times: each time exactly one decision is stored and both
// replicas answer with it.
func TestReplicas_sameTrigger(t *testing.T) {
	ctx := context.Background()
	src := storetest.NewSource()
	src.Set("ready", true)
	reps := newReplicas(t, pgtest.DSN(t), 2, src, nil)
	const rounds = 200
	for i := range rounds {
		run := fmt.Sprintf("same-%03d", i)
		if err := start(ctx, reps[i%2], run); err != nil {
			t.Fatal(err)
		}
		var results [2]*scenario.NextResult
		var errs [2]error
		var ready, wg sync.WaitGroup
		gate := make(chan struct{})
		for j, r := range reps {
			ready.Add(1)
			wg.Go(func() {
				ready.Done()
				<-gate
				results[j], errs[j] = fire(ctx, r, run, "t1", 2)
			})
		}
		ready.Wait()
		close(gate)
		wg.Wait()
		for j := range reps {
			if errs[j] != nil {
				t.Fatalf("round %d, replica %d: %v", i, j, errs[j])
			}
		}
		if results[0].Decision.DecisionID != results[1].Decision.DecisionID ||
			results[0].Decision.Outcome.Kind != scenario.OutcomeAdvance {
			t.Fatalf("round %d: replicas answered %+v and %+v", i, results[0].Decision, results[1].Decision)
		}
		st, _, err := reps[0].st.Load(ctx, runKey(run))
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Decisions) != 1 || len(st.Triggers) != 1 || len(st.ToolCalls) != 2 || st.CurrentStageID != "ship" {
			t.Fatalf("round %d: %d decisions, %d triggers, %d tool calls, stage %s; want 1, 1, 2, ship",
				i, len(st.Decisions), len(st.Triggers), len(st.ToolCalls), st.CurrentStageID)
		}
	}
	// Without races the test proves nothing: the replicas must have
	// collided (and the losers retried) in some rounds.
	n := conflicts(reps)
	t.Logf("%d of %d rounds lost a save race and were retried", n, rounds)
	if n == 0 {
		t.Fatalf("no save conflicts in %d rounds: the replicas never raced", rounds)
	}
}

// ack is one acknowledged trigger.
type ack struct {
	run, trigger, decision string
}

// TestReplicas_noLostDecisions drives 1,000 runs through two replicas,
// each call on a replica chosen at random, with several workers on the
// same run at once and some triggers resent (as clients retrying). Every
// acknowledged decision must be stored, under its trigger id only, and
// each run's decision sequence must be contiguous.
func TestReplicas_noLostDecisions(t *testing.T) {
	ctx := context.Background()
	runs, perRun, workers := 1000, 4, 16
	if testing.Short() {
		runs = 100
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	reps := newReplicas(t, pgtest.DSN(t), 2, storetest.NewSource(), nil)

	type job struct {
		run, trigger string
		replica      int
		at           uint64
	}
	var jobs []job
	for r := range runs {
		run := fmt.Sprintf("run-%04d", r)
		for k := range perRun {
			jobs = append(jobs, job{run: run, trigger: fmt.Sprintf("t%d", k), at: uint64(2 + k)})
		}
		// A client resending its first trigger.
		jobs = append(jobs, job{run: run, trigger: "t0", at: 2})
	}
	for i := range jobs {
		jobs[i].replica = rng.IntN(len(reps))
	}
	// Shuffle within windows of a few runs, so that the workers hit the
	// same run at once while runs still start before their triggers.
	const window = 4 * 5
	for lo := 0; lo < len(jobs); lo += window {
		hi := min(lo+window, len(jobs))
		rng.Shuffle(hi-lo, func(i, j int) { jobs[lo+i], jobs[lo+j] = jobs[lo+j], jobs[lo+i] })
	}

	for r := range runs {
		if err := start(ctx, reps[rng.IntN(len(reps))], fmt.Sprintf("run-%04d", r)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var acks []ack
	queue := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range queue {
				res, err := fire(ctx, reps[j.replica], j.run, j.trigger, j.at)
				if err != nil {
					t.Errorf("%s %s on replica %d: %v", j.run, j.trigger, j.replica, err)
					continue
				}
				mu.Lock()
				acks = append(acks, ack{j.run, j.trigger, res.Decision.DecisionID})
				mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	if t.Failed() {
		return
	}
	if len(acks) != len(jobs) {
		t.Fatalf("%d acknowledgements for %d calls", len(acks), len(jobs))
	}

	byRun := map[string][]ack{}
	for _, a := range acks {
		byRun[a.run] = append(byRun[a.run], a)
	}
	for r := range runs {
		run := fmt.Sprintf("run-%04d", r)
		st, _, err := reps[r%2].st.Load(ctx, runKey(run))
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]string{}
		for i, d := range st.Decisions {
			if d.Seq != uint64(i+1) || d.DecisionID != fmt.Sprintf("decision-%d", i+1) {
				t.Fatalf("%s: decision %d is %s with seq %d", run, i, d.DecisionID, d.Seq)
			}
			if prev, dup := stored[d.TriggerID]; dup {
				t.Fatalf("%s: trigger %s decided twice (%s, %s)", run, d.TriggerID, prev, d.DecisionID)
			}
			stored[d.TriggerID] = d.DecisionID
		}
		if len(st.Decisions) != perRun {
			t.Fatalf("%s: %d decisions stored, want %d", run, len(st.Decisions), perRun)
		}
		for _, a := range byRun[run] {
			if stored[a.trigger] != a.decision {
				t.Fatalf("%s: trigger %s acknowledged as %s, stored as %q", run, a.trigger, a.decision, stored[a.trigger])
			}
		}
		if len(st.ToolCalls) != len(byRun[run]) {
			t.Fatalf("%s: %d tool calls stored for %d acknowledged calls", run, len(st.ToolCalls), len(byRun[run]))
		}
	}
	t.Logf("%d calls on %d runs, %d save races lost and retried", len(jobs), runs, conflicts(reps))
}
