package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
)

// testStore covers the portable store over the backend: encoding,
// checksums on every read, max_versions and Verify.
func testStore(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		st := openStore(t, h, newPath(t), nil)
		eng := newEngine(t, NewSource(), st, nil)
		startRun(t, eng, "r")
		mustTrigger(t, eng, "r", "t1")
		run, v, err := st.Load(ctx, runKey("r"))
		must(t, err)
		rec, err := st.Record(ctx, runKey("r"), 0)
		must(t, err)
		canon, err := canonjson.Marshal(run)
		must(t, err)
		if v != 2 || rec.Version != 2 || !bytes.Equal(canon, rec.Blob) {
			t.Fatalf("version %d/%d; stored blob is not the canonical JSON of the loaded run", v, rec.Version)
		}
		first, err := st.Get(ctx, runKey("r"), 1)
		must(t, err)
		if len(first.Decisions) != 0 || len(run.Decisions) != 1 {
			t.Fatalf("version 1 has %d decisions, version 2 %d", len(first.Decisions), len(run.Decisions))
		}
		_, err = st.Save(ctx, run, 1)
		wantCode(t, err, errcode.Conflict)
		_, err = st.Create(ctx, run)
		wantCode(t, err, errcode.AlreadyExists)
		_, _, err = st.Load(ctx, runKey("missing"))
		wantCode(t, err, errcode.NotFound)
	})

	t.Run("MaxVersions", func(t *testing.T) {
		st := openStore(t, h, newPath(t), &store.Options{MaxVersions: 3})
		eng := newEngine(t, NewSource(), st, nil)
		startRun(t, eng, "r")
		for _, id := range []string{"t1", "t2", "t3", "t4", "t5"} {
			mustTrigger(t, eng, "r", id)
		}
		wantVersions(t, st.Driver(), runKey("r"), 4, 5, 6)
		if n, err := st.Prune(ctx, runKey("r"), 1); err != nil || n != 2 {
			t.Fatalf("Prune = %d, %v", n, err)
		}
		_, err := st.Prune(ctx, runKey("r"), 0)
		wantCode(t, err, errcode.InvalidArgument)
		if _, err := store.New(h.Open(t, newPath(t)), &store.Options{MaxVersions: -1}); errcode.Of(err) != errcode.InvalidArgument {
			t.Fatalf("negative MaxVersions: %v", err)
		}
	})

	t.Run("Tampered", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		good, err := store.New(nopClose{d}, nil)
		must(t, err)
		eng := newEngine(t, NewSource(), good, &engine.Options{Specs: good})
		startRun(t, eng, "r")
		startRun(t, eng, "other")
		mustTrigger(t, eng, "r", "t1")
		rep, err := good.Verify(ctx)
		must(t, err)
		if !rep.OK() || rep.Runs != 2 || rep.Versions != 3 || rep.Specs != 1 {
			t.Fatalf("Verify of an undamaged store = %+v", rep)
		}
		for _, tc := range []struct {
			name   string
			tamper func(*driver.Record)
		}{
			{"flipped byte", func(r *driver.Record) { r.Blob[len(r.Blob)/2] ^= 0x01 }},
			{"truncated", func(r *driver.Record) { r.Blob = r.Blob[:len(r.Blob)-1] }},
			{"wrong checksum", func(r *driver.Record) { r.Checksum[0] ^= 0x80 }},
			{"valid checksum, not JSON", func(r *driver.Record) { r.Blob = []byte("{"); r.Checksum = driver.Sum(r.Blob) }},
			{"valid checksum, other run", func(r *driver.Record) {
				r.Blob = bytes.Replace(r.Blob, []byte(`"run_id":"r"`), []byte(`"run_id":"x"`), 1)
				r.Checksum = driver.Sum(r.Blob)
			}},
			{"other key", func(r *driver.Record) { r.Key.RunID = "other" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				bad, err := store.New(tamper{Store: d, run: "r", fn: tc.tamper}, nil)
				must(t, err)
				_, _, err = bad.Load(ctx, runKey("r"))
				wantCode(t, err, errcode.DataLoss)
				_, err = bad.Get(ctx, runKey("r"), 1)
				wantCode(t, err, errcode.DataLoss)
				// Through the engine: the damaged run refuses triggers, the
				// others carry on.
				engBad := engine.New(NewSource(), bad, nil)
				_, err = engBad.Define(ctx, Spec())
				must(t, err)
				_, err = trigger(ctx, engBad, "r", "t9", "x", 3)
				wantCode(t, err, errcode.DataLoss)
				mustTrigger(t, engBad, "other", "t1")
				rep, err := bad.Verify(ctx)
				must(t, err)
				if rep.OK() || rep.Runs != 2 || len(rep.Problems) != 2 || rep.Problems[0].RunID != "r" || rep.Problems[0].Code != errcode.DataLoss {
					t.Fatalf("Verify = %+v", rep)
				}
			})
		}
		t.Run("spec", func(t *testing.T) {
			bad, err := store.New(tamper{Store: d, spec: true}, nil)
			must(t, err)
			_, err = bad.GetSpec(ctx, ScenarioID)
			wantCode(t, err, errcode.DataLoss)
			err = engine.New(NewSource(), bad, &engine.Options{Specs: bad}).Restore(ctx)
			wantCode(t, err, errcode.DataLoss)
			rep, err := bad.Verify(ctx)
			must(t, err)
			if rep.OK() || rep.Specs != 1 || rep.Problems[0].Kind != "spec" {
				t.Fatalf("Verify = %+v", rep)
			}
		})
	})
}

// tamper damages what a driver returns for one run (every version) or for
// specs, as bytes damaged at rest would be.
type tamper struct {
	driver.Store
	run  string
	fn   func(*driver.Record)
	spec bool
}

func (t tamper) Load(ctx context.Context, k scenario.RunKey) (driver.Record, error) {
	rec, err := t.Store.Load(ctx, k)
	if err == nil && k.RunID == t.run {
		t.fn(&rec)
	}
	return rec, err
}

func (t tamper) Get(ctx context.Context, k scenario.RunKey, v driver.Version) (driver.Record, error) {
	rec, err := t.Store.Get(ctx, k, v)
	if err == nil && k.RunID == t.run {
		t.fn(&rec)
	}
	return rec, err
}

func (t tamper) GetSpec(ctx context.Context, id string) (driver.Spec, error) {
	s, err := t.Store.GetSpec(ctx, id)
	if err == nil && t.spec {
		s.Blob[len(s.Blob)/2] ^= 0x01
	}
	return s, err
}

func (tamper) Close() error { return nil }
