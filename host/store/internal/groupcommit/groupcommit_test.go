package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/errcode"
)

// memDB is a map with copy-on-begin transactions; commit takes a while so
// that writers pile up behind it.
type memDB struct {
	mu      sync.Mutex
	data    map[string]int
	commits atomic.Int64
	delay   time.Duration
}

func (db *memDB) txn(_ context.Context, fn func(map[string]int) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	tx := maps.Clone(db.data)
	if err := fn(tx); err != nil {
		return err
	}
	time.Sleep(db.delay)
	db.data = tx
	db.commits.Add(1)
	return nil
}

func TestGroup_concurrentWritesAllCommit(t *testing.T) {
	db := &memDB{data: map[string]int{}, delay: time.Millisecond}
	g := New(db.txn)
	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = g.Do(context.Background(), func(tx map[string]int) error {
				tx[fmt.Sprint(i)] = i
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		if db.data[fmt.Sprint(i)] != i {
			t.Fatalf("write %d lost", i)
		}
	}
	if c := db.commits.Load(); c >= n {
		t.Errorf("%d commits for %d concurrent writes: nothing was grouped", c, n)
	}
	t.Logf("%d writes in %d commits", n, db.commits.Load())
}

func TestGroup_expectedAndFatalErrorsStayWithTheirWrite(t *testing.T) {
	db := &memDB{data: map[string]int{}, delay: 5 * time.Millisecond}
	g := New(db.txn)
	conflict := errcode.New(errcode.Conflict, "taken")
	fatal := errors.New("disk on fire")
	// Hold the group busy so the next writes queue into one batch.
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		g.Do(context.Background(), func(tx map[string]int) error {
			close(started)
			time.Sleep(20 * time.Millisecond)
			tx["first"] = 1
			return nil
		})
	})
	<-started
	results := map[string]error{}
	var mu sync.Mutex
	for _, name := range []string{"ok1", "conflict", "fatal", "ok2"} {
		wg.Go(func() {
			err := g.Do(context.Background(), func(tx map[string]int) error {
				switch name {
				case "conflict":
					return conflict
				case "fatal":
					tx[name] = 1 // written, then the failure: must be rolled back
					return fatal
				}
				tx[name] = 1
				return nil
			})
			mu.Lock()
			results[name] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	if results["ok1"] != nil || results["ok2"] != nil {
		t.Fatalf("good writes failed: %v", results)
	}
	if !errors.Is(results["conflict"], conflict) || !errors.Is(results["fatal"], fatal) {
		t.Fatalf("errors not returned to their writers: %v", results)
	}
	for _, k := range []string{"first", "ok1", "ok2"} {
		if db.data[k] != 1 {
			t.Errorf("%s not committed", k)
		}
	}
	if _, ok := db.data["fatal"]; ok {
		t.Error("the failed write was committed")
	}
}

func TestGroup_canceled(t *testing.T) {
	db := &memDB{data: map[string]int{}}
	g := New(db.txn)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := g.Do(ctx, func(tx map[string]int) error { tx["x"] = 1; return nil })
	if errcode.Of(err) != errcode.Canceled {
		t.Fatalf("canceled Do: %v", err)
	}
	if len(db.data) != 0 {
		t.Fatal("canceled write committed")
	}
}

func TestGroup_commitFailureReachesEveryWriter(t *testing.T) {
	boom := errors.New("fsync failed")
	g := New(func(_ context.Context, fn func(struct{}) error) error {
		if err := fn(struct{}{}); err != nil {
			return err
		}
		return boom
	})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 16 {
		wg.Go(func() {
			if err := g.Do(context.Background(), func(struct{}) error { return nil }); errors.Is(err, boom) {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 16 {
		t.Fatalf("%d of 16 writers saw the commit failure", failed.Load())
	}
}
