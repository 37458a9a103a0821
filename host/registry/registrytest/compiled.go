package registrytest

import (
	"context"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry"
)

// testCompiled covers the compiled-schema cache and payload validation.
func testCompiled(t *testing.T, h Harness) {
	ctx := context.Background()
	const schema = `{"type":"object","properties":{"n":{"type":"integer","maximum":10},"s":{"type":"string"}},"required":["n"]}`

	for _, size := range []int{0, 1, -1} {
		t.Run("cache size "+string(rune('0'+size+1)), func(t *testing.T) {
			e := newEnv(t, h, &registry.Options{CacheSize: size})
			mustRegister(t, e.reg, record("shape", "1", schema))
			mustRegister(t, e.reg, record("shape", "2", `{"type":"string"}`))
			for range 3 { // alternate keys so that a one-entry cache evicts
				sch, err := e.reg.Compiled(ctx, tenant, ns, "shape", "1")
				if err != nil {
					t.Fatal(err)
				}
				if err := registry.Validate(sch, []byte(`{"n":3,"s":"x"}`)); err != nil {
					t.Fatalf("valid payload: %v", err)
				}
				err = registry.Validate(sch, []byte(`{"n":11,"s":1}`))
				wantErr(t, err, errcode.InvalidArgument,
					"payload does not match schema: at '/n': maximum: got 11, want 10; at '/s': got number, want string")
				sch2, err := e.reg.Compiled(ctx, tenant, ns, "shape", "2")
				if err != nil {
					t.Fatal(err)
				}
				if err := registry.Validate(sch2, []byte(`"x"`)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := e.reg.Compiled(ctx, tenant, ns, "shape", "3")
			wantErr(t, err, errcode.NotFound, "schema not found")
			_, err = e.reg.Compiled(ctx, tenant, ns+1, "shape", "1")
			wantErr(t, err, errcode.NotFound, "schema not found")
		})
	}

	t.Run("ExactNumbers", func(t *testing.T) {
		e := newEnv(t, h, nil)
		mustRegister(t, e.reg, record("big", "1", `{"type":"integer","maximum":18446744073709551615}`))
		sch, err := e.reg.Compiled(ctx, tenant, ns, "big", "1")
		if err != nil {
			t.Fatal(err)
		}
		if err := registry.Validate(sch, []byte(`18446744073709551615`)); err != nil {
			t.Fatalf("u64 max: %v", err)
		}
		wantErr(t, registry.Validate(sch, []byte(`18446744073709551616`)), errcode.InvalidArgument, "")
	})

	t.Run("Concurrent", func(t *testing.T) {
		e := newEnv(t, h, &registry.Options{CacheSize: 2})
		ids := []string{"a", "b", "c", "d"}
		for _, id := range ids {
			mustRegister(t, e.reg, record(id, "1", schema))
		}
		reg := e.twin(t) // cold cache
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := range 64 {
			wg.Go(func() {
				sch, err := reg.Compiled(ctx, tenant, ns, ids[i%len(ids)], "1")
				if err == nil {
					err = registry.Validate(sch, []byte(`{"n":1}`))
				}
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
	})

	t.Run("Canceled", func(t *testing.T) {
		e := newEnv(t, h, nil)
		mustRegister(t, e.reg, record("x", "1", schema))
		reg := e.twin(t) // not cached
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := reg.Compiled(canceled, tenant, ns, "x", "1")
		wantErr(t, err, errcode.Canceled, "")
		// A failed load is not cached.
		if _, err := reg.Compiled(ctx, tenant, ns, "x", "1"); err != nil {
			t.Fatal(err)
		}
	})
}
