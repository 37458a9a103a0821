package store_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// latestDriver is a driver.LatestLoader over a shared in-memory driver: it
// counts the blobs it hands out and can damage them on the way, as a
// database row whose bytes no longer match their checksum would.
type latestDriver struct {
	driver.Store
	blobs  atomic.Int64
	damage atomic.Bool
}

func (l *latestDriver) Load(ctx context.Context, key scenario.RunKey) (driver.Record, error) {
	rec, err := l.Store.Load(ctx, key)
	if err == nil {
		l.blobs.Add(1)
		if l.damage.Load() {
			rec.Blob[len(rec.Blob)/2] ^= 1
		}
	}
	return rec, err
}

func (l *latestDriver) LoadUnlessLatest(ctx context.Context, key scenario.RunKey, v driver.Version, sum driver.Checksum) (driver.Record, bool, error) {
	rec, err := l.Store.Load(ctx, key)
	if err != nil {
		return rec, false, err
	}
	if rec.Version == v && rec.Checksum == sum {
		return driver.Record{Key: key, Version: v, Checksum: sum}, true, nil
	}
	rec, err = l.Load(ctx, key)
	return rec, false, err
}

// A store over a LatestLoader reads no blob while the latest version is the
// one it holds, reads the new one in full when another replica moved the
// run on, and still refuses a damaged blob.
func TestLoad_latestLoader(t *testing.T) {
	ctx := context.Background()
	shared := memstore.NewDriver()
	d1, d2 := &latestDriver{Store: shared}, &latestDriver{Store: shared}
	s1, err := store.New(d1, nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := store.New(d2, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}
	trigger := func(st *scenario.RunState, id string) *scenario.RunState {
		st.Triggers = append(st.Triggers, scenario.TriggerRecord{Seq: uint64(len(st.Triggers) + 1),
			Event: scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1, RunID: "r", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(uint64(len(st.Triggers) + 1))}})
		return st
	}
	state := &scenario.RunState{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", Status: scenario.RunActive, StageEnteredAt: evidence.AtLogical(1)}
	if _, err := s1.Create(ctx, state); err != nil {
		t.Fatal(err)
	}
	load := func(s *store.Store, wantVersion int, wantTriggers int) *scenario.RunState {
		t.Helper()
		st, v, err := s.Load(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if int(v) != wantVersion || len(st.Triggers) != wantTriggers {
			t.Fatalf("Load = version %d with %d triggers, want %d with %d", v, len(st.Triggers), wantVersion, wantTriggers)
		}
		return st
	}

	// Replica 1 alone: after its own writes, loads read no blob.
	for i, id := range []string{"a", "b", "c"} {
		st := load(s1, i+1, i)
		if _, err := s1.Save(ctx, trigger(st, id), engine.Version(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	load(s1, 4, 3)
	if n := d1.blobs.Load(); n != 0 {
		t.Fatalf("replica 1 read %d blobs of versions it wrote itself", n)
	}

	// Replica 2 reads the run once, then moves it on; replica 1 sees it.
	st := load(s2, 4, 3)
	if _, err := s2.Save(ctx, trigger(st, "d"), 4); err != nil {
		t.Fatal(err)
	}
	if n := d2.blobs.Load(); n != 1 {
		t.Fatalf("replica 2 read %d blobs, want 1", n)
	}
	st = load(s1, 5, 4)
	if n := d1.blobs.Load(); n != 1 {
		t.Fatalf("replica 1 read %d blobs after replica 2 wrote, want 1", n)
	}
	if st.Triggers[3].Event.TriggerID != "d" {
		t.Fatalf("replica 1 loaded trigger %q", st.Triggers[3].Event.TriggerID)
	}
	// Its copy is a private one: changing it does not change the cache.
	st.Triggers = nil
	load(s1, 5, 4)

	// A damaged blob is refused on the full read replica 1 needs after
	// replica 2 writes again.
	st = load(s2, 5, 4)
	if _, err := s2.Save(ctx, trigger(st, "e"), 5); err != nil {
		t.Fatal(err)
	}
	d1.damage.Store(true)
	if _, _, err := s1.Load(ctx, key); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("damaged blob: %v, want DataLoss", err)
	}
}
