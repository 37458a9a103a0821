package storetest

import (
	"context"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
)

// marker is a string the corruption checks plant in a stored blob (and
// nowhere in keys) so they can find its bytes at rest.
const marker = "storetest-corrupt-me-7f3a9c"

// corrupt damages every stored copy of m under path.
func corrupt(tb testing.TB, h Harness, path string, m string) int {
	tb.Helper()
	if h.Corrupt != nil {
		return h.Corrupt(tb, path, []byte(m))
	}
	return FlipFile(tb, path, []byte(m))
}

// testStorage covers what persistent backends keep at rest.
func testStorage(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("Reopen", func(t *testing.T) {
		path := newPath(t)
		st, err := store.New(h.Open(t, path), nil)
		must(t, err)
		src := NewSource()
		eng := newEngine(t, src, st, &engine.Options{Specs: st})
		_, wantHash, _ := eng.Spec(ScenarioID)
		startRun(t, eng, "r")
		mustTrigger(t, eng, "r", "t1")
		src.Set("ready", true)
		mustTrigger(t, eng, "r", "t2")
		before, _, err := st.Load(ctx, runKey("r"))
		must(t, err)
		must(t, st.Close())

		st = openStore(t, h, path, nil)
		after, v, err := st.Load(ctx, runKey("r"))
		must(t, err)
		if v != 3 || len(after.Decisions) != 2 || after.CurrentStageID != "ship" || after.CurrentStageID != before.CurrentStageID {
			t.Fatalf("after reopen: version %d, %d decisions, stage %s", v, len(after.Decisions), after.CurrentStageID)
		}
		wantVersions(t, st.Driver(), runKey("r"), 1, 2, 3)
		// A new engine resumes the run without re-defining the scenario.
		eng = engine.New(src, st, &engine.Options{Specs: st})
		must(t, eng.Restore(ctx))
		if _, h, ok := eng.Spec(ScenarioID); !ok || !h.Equal(wantHash) {
			t.Fatalf("restored spec: %v %v, want %v", h, ok, wantHash)
		}
		// An acknowledged trigger is replayed, not decided again.
		if res := mustTrigger(t, eng, "r", "t1"); res.Decision.DecisionID != "decision-1" {
			t.Fatalf("replay of t1 after restart: %s", res.Decision.DecisionID)
		}
		src.Set("shipped", true)
		res := mustTrigger(t, eng, "r", "t3")
		if res.Decision.DecisionID != "decision-3" || res.Status != "completed" {
			t.Fatalf("after restart: %s, %s", res.Decision.DecisionID, res.Status)
		}
	})

	t.Run("CorruptRun", func(t *testing.T) {
		path := newPath(t)
		st, err := store.New(h.Open(t, path), nil)
		must(t, err)
		eng := newEngine(t, NewSource(), st, &engine.Options{Specs: st})
		startRun(t, eng, "damaged")
		startRun(t, eng, "intact")
		if _, err := trigger(ctx, eng, "damaged", "t1", marker, 2); err != nil {
			t.Fatal(err)
		}
		mustTrigger(t, eng, "damaged", "t2")
		mustTrigger(t, eng, "intact", "t1")
		must(t, st.Close())
		if n := corrupt(t, h, path, marker); n == 0 {
			t.Fatalf("marker not found at rest under %s", path)
		}
		st = openStore(t, h, path, nil)
		_, _, err = st.Load(ctx, runKey("damaged"))
		wantCode(t, err, errcode.DataLoss)
		_, err = st.Get(ctx, runKey("damaged"), 2)
		wantCode(t, err, errcode.DataLoss)
		if _, err := st.Get(ctx, runKey("damaged"), 1); err != nil {
			t.Fatalf("version 1 (written before the marker) should be intact: %v", err)
		}
		eng = engine.New(NewSource(), st, &engine.Options{Specs: st})
		must(t, eng.Restore(ctx))
		_, err = trigger(ctx, eng, "damaged", "t3", "x", 3)
		wantCode(t, err, errcode.DataLoss)
		mustTrigger(t, eng, "intact", "t2")
		rep, err := st.Verify(ctx)
		must(t, err)
		if rep.OK() || rep.Runs != 2 || rep.Specs != 1 {
			t.Fatalf("Verify = %+v", rep)
		}
		for _, p := range rep.Problems {
			if p.RunID != "damaged" || p.Version < 2 || p.Code != errcode.DataLoss {
				t.Fatalf("unexpected problem %+v", p)
			}
		}
	})

	t.Run("CorruptSpec", func(t *testing.T) {
		path := newPath(t)
		st, err := store.New(h.Open(t, path), nil)
		must(t, err)
		spec := Spec()
		spec.SpecVersion = marker
		eng := engine.New(NewSource(), st, &engine.Options{Specs: st})
		if _, err := eng.Define(ctx, spec); err != nil {
			t.Fatal(err)
		}
		must(t, st.Close())
		if n := corrupt(t, h, path, marker); n == 0 {
			t.Fatalf("marker not found at rest under %s", path)
		}
		st = openStore(t, h, path, nil)
		_, err = st.GetSpec(ctx, ScenarioID)
		wantCode(t, err, errcode.DataLoss)
		err = engine.New(NewSource(), st, &engine.Options{Specs: st}).Restore(ctx)
		wantCode(t, err, errcode.DataLoss)
	})
}

// testShared covers two drivers open on one path, as two processes.
func testShared(t *testing.T, h Harness) {
	ctx := context.Background()
	path := newPath(t)
	a, b := openDriver(t, h, path), openDriver(t, h, path)
	k := key(1, 1, "r")
	mustCreate(t, a, k, blob("1"))
	_, err := b.Create(ctx, k, blob("x"), driver.Sum(blob("x")))
	wantCode(t, err, errcode.AlreadyExists)
	mustAppend(t, b, k, blob("2"), 1, 0)
	_, err = a.Append(ctx, k, blob("stale"), driver.Sum(blob("stale")), 1, 0)
	wantCode(t, err, errcode.Conflict)
	rec, err := a.Load(ctx, k)
	if err != nil || rec.Version != 2 {
		t.Fatalf("Load through the other driver = %+v, %v", rec, err)
	}
	must(t, a.PutSpec(ctx, driver.Spec{ScenarioID: "s", Blob: blob("s"), Checksum: driver.Sum(blob("s"))}))
	err = b.PutSpec(ctx, driver.Spec{ScenarioID: "s", Blob: blob("t"), Checksum: driver.Sum(blob("t"))})
	wantCode(t, err, errcode.AlreadyExists)
}
