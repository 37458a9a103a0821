package registrytest

import (
	"context"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry"
)

// testLifecycle covers Close and contexts through the registry.
func testLifecycle(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("Close", func(t *testing.T) {
		e := newEnv(t, h, nil)
		mustRegister(t, e.reg, record("s", "1", `{}`))
		if err := e.reg.Close(); err != nil {
			t.Fatal(err)
		}
		if err := e.reg.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		_, err := e.reg.Register(ctx, record("s", "2", `{}`))
		wantErr(t, err, errcode.Unavailable, "")
		_, err = e.reg.Get(ctx, tenant, ns, "s", "1")
		wantErr(t, err, errcode.Unavailable, "")
		wantIs(t, err, registry.ErrClosed)
		_, _, err = e.reg.List(ctx, tenant, ns, nil, nil)
		wantErr(t, err, errcode.Unavailable, "")
	})

	t.Run("Context", func(t *testing.T) {
		e := newEnv(t, h, nil)
		mustRegister(t, e.reg, record("s", "1", `{}`))
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := e.reg.Register(canceled, record("s", "2", `{}`))
		wantErr(t, err, errcode.Canceled, "")
		_, err = e.reg.Get(canceled, tenant, ns, "s", "1")
		wantErr(t, err, errcode.Canceled, "")
		_, _, err = e.reg.List(canceled, tenant, ns, nil, nil)
		wantErr(t, err, errcode.Canceled, "")
		if _, err := e.reg.Get(ctx, tenant, ns, "s", "2"); errcode.Of(err) != errcode.NotFound {
			t.Fatalf("a canceled Register stored its record: %v", err)
		}
	})
}

// testStorage covers what persistent backends keep at rest.
func testStorage(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("Reopen", func(t *testing.T) {
		e := newEnv(t, h, &registry.Options{MaxEntries: 3})
		want := mustRegister(t, e.reg, record("s", "1", `{"type":"string"}`))
		mustRegister(t, e.reg, record("s", "2", `{}`))
		e.reopen(t)
		got, err := e.reg.Get(ctx, tenant, ns, "s", "1")
		if err != nil || marshal(t, got) != marshal(t, want) {
			t.Fatalf("after reopen Get = %s, %v; want %s", marshal(t, got), err, marshal(t, want))
		}
		_, err = e.reg.Register(ctx, record("s", "1", `{}`))
		wantErr(t, err, errcode.Conflict, "schema already registered")
		mustRegister(t, e.reg, record("s", "3", `{}`))
		e.reopen(t)
		_, err = e.reg.Register(ctx, record("s", "4", `{}`))
		wantErr(t, err, errcode.Conflict, "schema registry max entries exceeded")
		items, next, err := e.reg.List(ctx, tenant, ns, nil, nil)
		if err != nil || len(items) != 3 || next == nil {
			t.Fatalf("after reopen List = %d items, %v", len(items), err)
		}
	})

	t.Run("Corruption", func(t *testing.T) {
		e := newEnv(t, h, nil)
		mustRegister(t, e.reg, record("a", "1", `{}`))
		bad := record("b", "1", `{"type":"object"}`)
		const marker = "corruption-marker-5be1"
		bad.Description = ptr(marker)
		mustRegister(t, e.reg, bad)
		mustRegister(t, e.reg, record("c", "1", `{}`))
		if err := e.reg.Close(); err != nil {
			t.Fatal(err)
		}
		if n := flip(t, e.path, []byte(marker)); n == 0 {
			t.Fatalf("marker not found at rest under %s", e.path)
		}
		e.open(t)

		_, err := e.reg.Get(ctx, tenant, ns, "b", "1")
		wantErr(t, err, errcode.DataLoss, "")
		_, err = e.reg.Compiled(ctx, tenant, ns, "b", "1")
		wantErr(t, err, errcode.DataLoss, "")
		_, _, err = e.reg.List(ctx, tenant, ns, nil, nil)
		wantErr(t, err, errcode.DataLoss, "")

		// Undamaged records are still served, and pages that avoid the
		// damage still work, including one after the damaged record.
		if _, err := e.reg.Get(ctx, tenant, ns, "a", "1"); err != nil {
			t.Fatalf("undamaged record: %v", err)
		}
		one := 1
		items, _, err := e.reg.List(ctx, tenant, ns, nil, &one)
		if err != nil || len(items) != 1 || items[0].SchemaID != "a" {
			t.Fatalf("first page = %v, %v", items, err)
		}
		cursor := `{"schema_id":"b","version":"1"}`
		items, _, err = e.reg.List(ctx, tenant, ns, &cursor, nil)
		if err != nil || len(items) != 1 || items[0].SchemaID != "c" {
			t.Fatalf("page after the damaged record = %v, %v", items, err)
		}
		// The key stays taken.
		_, err = e.reg.Register(ctx, record("b", "1", `{}`))
		wantErr(t, err, errcode.Conflict, "schema already registered")
	})
}
