package registrytest

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// testDriver checks the driver contract without the portable layer.
func testDriver(t *testing.T, h Harness) {
	ctx := context.Background()
	open := func(t *testing.T) driver.Driver {
		d := h.Open(t, filepath.Join(t.TempDir(), "driver.db"))
		t.Cleanup(func() { d.Close() })
		return d
	}
	a := driver.Scope{TenantID: 1, NamespaceID: 1}
	b := driver.Scope{TenantID: 1, NamespaceID: 2}
	c := driver.Scope{TenantID: 1<<64 - 1, NamespaceID: 1<<64 - 1} // ids beyond i64

	t.Run("PutGet", func(t *testing.T) {
		d := open(t)
		k := driver.Key{SchemaID: "s", Version: "1"}
		v := []byte(`{"v":1}`)
		if err := d.Put(ctx, a, k, v, 0); err != nil {
			t.Fatal(err)
		}
		v[0] = 'X' // the driver must have copied
		got, err := d.Get(ctx, a, k)
		if err != nil || string(got) != `{"v":1}` {
			t.Fatalf("Get = %q, %v", got, err)
		}
		got[0] = 'Y' // and must hand out copies
		if again, _ := d.Get(ctx, a, k); string(again) != `{"v":1}` {
			t.Fatalf("Get after mutating a result = %q", again)
		}
		if _, err := d.Get(ctx, b, k); errcode.Of(err) != errcode.NotFound {
			t.Fatalf("Get in another scope: %v", err)
		}
		if _, err := d.Get(ctx, a, driver.Key{SchemaID: "s", Version: "2"}); errcode.Of(err) != errcode.NotFound {
			t.Fatalf("Get of another version: %v", err)
		}
		if err := d.Put(ctx, c, k, []byte(`{}`), 0); err != nil {
			t.Fatalf("Put with u64 ids: %v", err)
		}
		if got, err := d.Get(ctx, c, k); err != nil || string(got) != `{}` {
			t.Fatalf("Get with u64 ids = %q, %v", got, err)
		}
	})

	t.Run("PutExistsAndFull", func(t *testing.T) {
		d := open(t)
		k1 := driver.Key{SchemaID: "s", Version: "1"}
		k2 := driver.Key{SchemaID: "s", Version: "2"}
		if err := d.Put(ctx, a, k1, []byte(`1`), 2); err != nil {
			t.Fatal(err)
		}
		wantIs(t, d.Put(ctx, a, k1, []byte(`other`), 2), driver.ErrExists)
		if got, _ := d.Get(ctx, a, k1); string(got) != `1` {
			t.Fatalf("a failed Put replaced the value: %q", got)
		}
		if err := d.Put(ctx, a, k2, []byte(`2`), 2); err != nil {
			t.Fatal(err)
		}
		// Full is checked before the key, even for a key that is taken.
		wantIs(t, d.Put(ctx, a, driver.Key{SchemaID: "s", Version: "3"}, []byte(`3`), 2), driver.ErrFull)
		wantIs(t, d.Put(ctx, a, k1, []byte(`1`), 2), driver.ErrFull)
		// Limits are per scope; 0 is no limit.
		if err := d.Put(ctx, b, k1, []byte(`1`), 2); err != nil {
			t.Fatal(err)
		}
		if err := d.Put(ctx, a, driver.Key{SchemaID: "s", Version: "3"}, []byte(`3`), 0); err != nil {
			t.Fatal(err)
		}
		for sc, want := range map[driver.Scope]uint64{a: 3, b: 1, c: 0} {
			if n, err := d.Count(ctx, sc); err != nil || n != want {
				t.Fatalf("Count(%s) = %d, %v; want %d", sc, n, err, want)
			}
		}
	})

	t.Run("ListOrder", func(t *testing.T) {
		d := open(t)
		keys := []driver.Key{
			{SchemaID: "b", Version: "1"},
			{SchemaID: "a", Version: "9"},
			{SchemaID: "a", Version: "10"},
			{SchemaID: "a\x00", Version: ""},
			{SchemaID: "a", Version: "\x00"},
			{SchemaID: "a", Version: ""},
			{SchemaID: "a\x00b", Version: "1"},
			{SchemaID: "A", Version: "1"},
			{SchemaID: "é", Version: "1"},
			{SchemaID: "ab", Version: "1"},
		}
		for _, k := range keys {
			if err := d.Put(ctx, a, k, []byte(k.SchemaID+"|"+k.Version), 0); err != nil {
				t.Fatalf("Put(%q): %v", k, err)
			}
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, driver.Compare)
		all, err := d.List(ctx, a, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got := entryKeys(all); !slices.Equal(got, want) {
			t.Fatalf("List order\n got %q\nwant %q", got, want)
		}
		for _, e := range all {
			if string(e.Value) != e.Key.SchemaID+"|"+e.Key.Version {
				t.Fatalf("List: key %q has value %q", e.Key, e.Value)
			}
		}
		// after each key, the rest follows, in pages of every size.
		for i, k := range want {
			for limit := 1; limit <= len(want); limit++ {
				page, err := d.List(ctx, a, &k, limit)
				if err != nil {
					t.Fatal(err)
				}
				rest := want[i+1:]
				if got, exp := entryKeys(page), rest[:min(limit, len(rest))]; !slices.Equal(got, exp) {
					t.Fatalf("List(after %q, %d) = %q, want %q", k, limit, got, exp)
				}
			}
		}
		// after need not exist.
		missing := driver.Key{SchemaID: "a", Version: "5"} // between "10" and "9"
		page, err := d.List(ctx, a, &missing, 100)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(want, func(k driver.Key) bool { return driver.Compare(k, missing) > 0 })
		if got := entryKeys(page); !slices.Equal(got, want[i:]) {
			t.Fatalf("List(after missing) = %q, want %q", got, want[i:])
		}
		if page, err := d.List(ctx, b, nil, 10); err != nil || len(page) != 0 {
			t.Fatalf("List of an empty scope = %v, %v", page, err)
		}
	})

	t.Run("Closed", func(t *testing.T) {
		d := open(t)
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if err := d.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		k := driver.Key{SchemaID: "s", Version: "1"}
		wantErr(t, d.Put(ctx, a, k, []byte(`1`), 0), errcode.Unavailable, "")
		_, err := d.Get(ctx, a, k)
		wantErr(t, err, errcode.Unavailable, "")
		_, err = d.List(ctx, a, nil, 1)
		wantErr(t, err, errcode.Unavailable, "")
		_, err = d.Count(ctx, a)
		wantErr(t, err, errcode.Unavailable, "")
	})

	t.Run("Context", func(t *testing.T) {
		d := open(t)
		k := driver.Key{SchemaID: "s", Version: "1"}
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		wantErr(t, d.Put(canceled, a, k, []byte(`1`), 0), errcode.Canceled, "")
		_, err := d.Get(canceled, a, k)
		wantErr(t, err, errcode.Canceled, "")
		_, err = d.List(canceled, a, nil, 1)
		wantErr(t, err, errcode.Canceled, "")
		_, err = d.Count(canceled, a)
		wantErr(t, err, errcode.Canceled, "")
		expired, cancel2 := context.WithTimeout(ctx, -1)
		defer cancel2()
		_, err = d.Get(expired, a, k)
		wantErr(t, err, errcode.DeadlineExceeded, "")
		if n, _ := d.Count(ctx, a); n != 0 {
			t.Fatalf("a canceled Put stored a value")
		}
	})
}

func entryKeys(es []driver.Entry) []driver.Key {
	ks := make([]driver.Key, len(es))
	for i, e := range es {
		ks[i] = e.Key
	}
	return ks
}
