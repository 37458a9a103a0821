package registrytest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// testConcurrency hammers the registry: writers racing each other and a
// count limit, and paging readers racing writers (the reference's stress
// tests use 40 concurrent writes and 50 entries paged by 8 readers).
func testConcurrency(t *testing.T, h Harness) {
	ctx := context.Background()
	const writers = 40

	t.Run("Writers", func(t *testing.T) {
		e := newEnv(t, h, nil)
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Go(func() {
				_, err := e.reg.Register(ctx, record(fmt.Sprintf("w%02d", i), "1", objectSchema))
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		limit := registry.MaxListLimit
		items, _, err := e.reg.List(ctx, tenant, ns, nil, &limit)
		if err != nil || len(items) != writers {
			t.Fatalf("after %d writes List has %d items, %v", writers, len(items), err)
		}
		for i, it := range items {
			if it.SchemaID != fmt.Sprintf("w%02d", i) {
				t.Fatalf("item %d is %s", i, it.SchemaID)
			}
		}
	})

	t.Run("CountLimit", func(t *testing.T) {
		const max = 25
		e := newEnv(t, h, &registry.Options{MaxEntries: max})
		var ok, full atomic.Int32
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, err := e.reg.Register(ctx, record(fmt.Sprintf("w%02d", i), "1", objectSchema))
				switch {
				case err == nil:
					ok.Add(1)
				case errcode.Of(err) == errcode.Conflict && errcode.Message(err) == "schema registry max entries exceeded":
					full.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ok.Load() != max || full.Load() != writers-max {
			t.Fatalf("%d stored, %d refused; want %d and %d", ok.Load(), full.Load(), max, writers-max)
		}
		limit := registry.MaxListLimit
		items, _, err := e.reg.List(ctx, tenant, ns, nil, &limit)
		if err != nil || len(items) != max {
			t.Fatalf("List has %d items, %v; want %d", len(items), err, max)
		}
	})

	t.Run("SameKey", func(t *testing.T) {
		e := newEnv(t, h, nil)
		var winners atomic.Int32
		var winner atomic.Value
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				rec := record("same", "1", objectSchema)
				desc := fmt.Sprintf("writer %d", i)
				rec.Description = &desc
				_, err := e.reg.Register(ctx, rec)
				switch {
				case err == nil:
					winners.Add(1)
					winner.Store(desc)
				case errcode.Of(err) == errcode.Conflict && errcode.Message(err) == "schema already registered":
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if winners.Load() != 1 {
			t.Fatalf("%d writers stored the same key", winners.Load())
		}
		got, err := e.reg.Get(ctx, tenant, ns, "same", "1")
		if err != nil || got.Description == nil || *got.Description != winner.Load().(string) {
			t.Fatalf("stored %v, %v; the winner wrote %v", got.Description, err, winner.Load())
		}
	})

	t.Run("PagingReaders", func(t *testing.T) {
		const entries, readers = 50, 8
		e := newEnv(t, h, nil)
		var want []driver.Key
		for i := range entries {
			k := driver.Key{SchemaID: fmt.Sprintf("p%02d", i), Version: "1"}
			want = append(want, k)
			mustRegister(t, e.reg, record(k.SchemaID, k.Version, objectSchema))
		}
		stop := make(chan struct{})
		var writerWG sync.WaitGroup
		// Writers keep adding to another namespace while the readers page.
		for w := range 2 {
			writerWG.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					rec := record(fmt.Sprintf("noise-%d-%d", w, i), "1", `{}`)
					rec.NamespaceID = ns + 1
					if _, err := e.reg.Register(ctx, rec); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		var wg sync.WaitGroup
		for r := range readers {
			wg.Go(func() {
				limit := 1 + r // page sizes 1..8
				for range 3 {
					var got []driver.Key
					var cursor *string
					for {
						items, next, err := e.reg.List(ctx, tenant, ns, cursor, &limit)
						if err != nil {
							t.Error(err)
							return
						}
						if len(items) == 0 {
							break
						}
						got = append(got, recordKeys(items)...)
						cursor = next
					}
					if !slices.Equal(got, want) {
						t.Errorf("reader %d (limit %d) saw %d keys, want %d in order", r, limit, len(got), len(want))
						return
					}
				}
			})
		}
		wg.Wait()
		close(stop)
		writerWG.Wait()
	})
}
