package registry

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

func key(id string) cacheKey {
	return cacheKey{driver.Scope{TenantID: 1, NamespaceID: 1}, driver.Key{SchemaID: id, Version: "1"}}
}

func TestSchemaCache_evicts(t *testing.T) {
	c := newSchemaCache(2)
	ctx := context.Background()
	loads := map[string]int{}
	get := func(id string) {
		t.Helper()
		if _, err := c.get(ctx, key(id), func() (*jsonschema.Schema, error) {
			loads[id]++
			return &jsonschema.Schema{}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	get("a")
	get("b")
	get("a") // a is now the most recent
	get("c") // evicts b
	get("a")
	get("b")
	if loads["a"] != 1 || loads["b"] != 2 || loads["c"] != 1 || c.len() != 2 {
		t.Fatalf("loads %v, len %d", loads, c.len())
	}
	off := newSchemaCache(-1)
	off.add(key("a"), &jsonschema.Schema{})
	if off.len() != 0 {
		t.Fatalf("a disabled cache kept an entry")
	}
}

func TestSchemaCache_sharesLoads(t *testing.T) {
	c := newSchemaCache(8)
	ctx := context.Background()
	var loads atomic.Int32
	release := make(chan struct{})
	want := &jsonschema.Schema{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			got, err := c.get(ctx, key("a"), func() (*jsonschema.Schema, error) {
				loads.Add(1)
				<-release
				return want, nil
			})
			if err != nil || got != want {
				t.Errorf("got %p, %v", got, err)
			}
		})
	}
	for loads.Load() == 0 { // wait until one load runs; the rest join it or hit the cache
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if loads.Load() != 1 {
		t.Fatalf("%d loads for one key", loads.Load())
	}
}

func TestSchemaCache_errors(t *testing.T) {
	c := newSchemaCache(8)
	ctx := context.Background()
	boom := errcode.New(errcode.NotFound, "schema not found")
	if _, err := c.get(ctx, key("a"), func() (*jsonschema.Schema, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if c.len() != 0 {
		t.Fatalf("a failed load was cached")
	}
	// A waiter gives up when its own context ends.
	started := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		c.get(ctx, key("b"), func() (*jsonschema.Schema, error) {
			close(started)
			<-release
			return &jsonschema.Schema{}, nil
		})
	})
	<-started
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := c.get(canceled, key("b"), func() (*jsonschema.Schema, error) { t.Error("second load"); return nil, nil })
	if errcode.Of(err) != errcode.Canceled {
		t.Fatalf("got %v, want canceled", err)
	}
	close(release)
}
