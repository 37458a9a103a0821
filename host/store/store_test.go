package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/memstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// awkward strings that canonical JSON must escape or keep raw, including
// text that looks like the members the encoder splices.
var awkward = []string{`plain`, `"decisions":[]`, `\"tool_calls\":[]`, "tab\tnew\nline", "é☃😀", "\u2028\u2029", `</script>&`, "\x01"}

// TestSave_encodingIsCanonical drives random runs through the engine and
// checks after every call that the stored blob is exactly the canonical
// JSON of the stored state, whichever encoding path the save took.
func TestSave_encodingIsCanonical(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	for _, cacheBytes := range []int{0, -1, 4096} {
		t.Run(fmt.Sprint("cache ", cacheBytes), func(t *testing.T) {
			st, err := store.New(memstore.NewDriver(), &store.Options{CacheBytes: cacheBytes})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			src := storetest.NewSource()
			eng := engine.New(src, &checking{Store: st, t: t}, &engine.Options{Specs: st})
			if _, err := eng.Define(ctx, storetest.Spec()); err != nil {
				t.Fatal(err)
			}
			runs := []string{"r1", `run "decisions":[]`, "r3"}
			for _, run := range runs {
				cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: run, ScenarioID: storetest.ScenarioID,
					DispatchTargets: []scenario.DispatchTarget{{Kind: "agent", AgentID: awkward[r.IntN(len(awkward))]}}}
				if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), r.IntN(2) == 0); err != nil {
					t.Fatal(err)
				}
			}
			for i := range 160 {
				run := runs[r.IntN(len(runs))]
				word := awkward[r.IntN(len(awkward))]
				at := evidence.AtLogical(uint64(2 + i))
				switch r.IntN(5) {
				case 0, 1:
					src.Set("ready", r.IntN(3) == 0)
					src.Set("shipped", r.IntN(3) == 0)
					_, err = eng.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: fmt.Sprintf("t%d-%s", r.IntN(50), word),
						TenantID: 1, NamespaceID: 1, RunID: run, Kind: scenario.TriggerExternalEvent, Time: at, SourceID: word, CorrelationID: &word})
				case 2:
					w, _ := json.Marshal(word)
					payload := scenario.Payload{Kind: scenario.PayloadJSON, JSON: json.RawMessage(fmt.Sprintf(`{"w":%s,"n":1.50,"z":[1e2,-0]}`, w))}
					_, err = eng.Submit(ctx, storetest.ScenarioID, scenario.SubmitRequest{RunID: run, TenantID: 1, NamespaceID: 1,
						SubmissionID: fmt.Sprint("s", r.IntN(20)), Payload: payload, ContentType: "application/json", SubmittedAt: at})
				case 3:
					_, err = eng.Status(ctx, storetest.ScenarioID, scenario.StatusRequest{RunID: run, TenantID: 1, NamespaceID: 1, RequestedAt: at, CorrelationID: &word})
				case 4:
					_, err = eng.Run(ctx, scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: run}) // a load that is not saved
				}
				if err != nil && errcode.Of(err) != errcode.Conflict && errcode.Of(err) != errcode.FailedPrecondition {
					t.Fatalf("step %d: %v", i, err)
				}
				key := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: run}
				rec, err := st.Record(ctx, key, 0)
				if err != nil {
					t.Fatal(err)
				}
				state, err := scenario.DecodeRunState(rec.Blob)
				if err != nil {
					t.Fatal(err)
				}
				want, err := canonjson.Marshal(state)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(rec.Blob, want) {
					t.Fatalf("step %d: stored blob of %q version %d is not canonical:\n got %s\nwant %s", i, run, rec.Version, rec.Blob, want)
				}
			}
		})
	}
}

// checking checks every successful write: the stored blob must be the
// canonical JSON of the state the engine handed in.
type checking struct {
	*store.Store
	t *testing.T
}

func (c *checking) Create(ctx context.Context, st *scenario.RunState) (engine.Version, error) {
	v, err := c.Store.Create(ctx, st)
	if err == nil {
		c.check(ctx, st, v)
	}
	return v, err
}

func (c *checking) Save(ctx context.Context, st *scenario.RunState, prev engine.Version) (engine.Version, error) {
	v, err := c.Store.Save(ctx, st, prev)
	if err == nil {
		c.check(ctx, st, v)
	}
	return v, err
}

func (c *checking) check(ctx context.Context, st *scenario.RunState, v engine.Version) {
	c.t.Helper()
	want, err := canonjson.Marshal(st)
	if err != nil {
		c.t.Fatal(err)
	}
	rec, err := c.Record(ctx, st.Key(), driver.Version(v))
	if err != nil {
		c.t.Fatal(err)
	}
	if !bytes.Equal(rec.Blob, want) {
		c.t.Fatalf("version %d of %s is not the canonical JSON of the saved state:\n got %s\nwant %s", v, st.Key(), rec.Blob, want)
	}
}

// TestSave_foreignState: saving a state that did not come from Load (or a
// stale copy of one) takes the full encoding path and stays correct.
func TestSave_foreignState(t *testing.T) {
	ctx := context.Background()
	st, err := store.New(memstore.NewDriver(), nil)
	if err != nil {
		t.Fatal(err)
	}
	key := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}
	base := &scenario.RunState{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", Status: scenario.RunActive, StageEnteredAt: evidence.AtLogical(1),
		Triggers: []scenario.TriggerRecord{{Seq: 1, Event: scenario.TriggerEvent{TriggerID: "a", RunID: "r", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(1)}}}}
	if _, err := st.Create(ctx, base); err != nil {
		t.Fatal(err)
	}
	loaded, v, err := st.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	// A different state object, with fewer triggers than the loaded one:
	// the encodings cached for the loaded state must not be used for it.
	foreign := &scenario.RunState{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", Status: scenario.RunCompleted, StageEnteredAt: evidence.AtLogical(1)}
	if _, err := st.Save(ctx, foreign, v); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Record(ctx, key, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := canonjson.Marshal(foreign)
	if !bytes.Equal(rec.Blob, want) {
		t.Fatalf("foreign save stored %s, want %s", rec.Blob, want)
	}
	// The stale loaded copy now conflicts.
	if _, err := st.Save(ctx, loaded, v); errcode.Of(err) != errcode.Conflict {
		t.Fatalf("stale save: %v", err)
	}
}

func TestNew_options(t *testing.T) {
	if _, err := store.New(memstore.NewDriver(), &store.Options{MaxVersions: -1}); errcode.Of(err) != errcode.InvalidArgument {
		t.Fatalf("negative MaxVersions: %v", err)
	}
	st, err := store.New(memstore.NewDriver(), &store.Options{MaxVersions: 3})
	if err != nil || st.MaxVersions() != 3 {
		t.Fatalf("New: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, _, err := st.Load(context.Background(), scenario.RunKey{RunID: "r"}); errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("Load after Close: %v", err)
	}
	if _, err := st.List(context.Background(), driver.ListOptions{}); errcode.Of(err) != errcode.InvalidArgument {
		t.Fatalf("List with limit 0: %v", err)
	}
}
