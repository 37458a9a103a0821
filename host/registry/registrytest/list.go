package registrytest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// testList covers schemas_list: order, pages, tokens, cursors and limits.
func testList(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("Order", func(t *testing.T) {
		e := newEnv(t, h, nil)
		keys := []driver.Key{
			{SchemaID: "b", Version: "1"}, {SchemaID: "a", Version: "9"}, {SchemaID: "a", Version: "10"},
			{SchemaID: "a", Version: "1"}, {SchemaID: "B", Version: "1"}, {SchemaID: "a\x00b", Version: "1"},
			{SchemaID: "ab", Version: "1"}, {SchemaID: "é", Version: "1"}, {SchemaID: "a", Version: ""},
			{SchemaID: "z", Version: "0"}, {SchemaID: "a-b", Version: "1"}, {SchemaID: "a.b", Version: "1"},
		}
		seed := rand.Uint64()
		t.Logf("registration order seed %d", seed)
		r := rand.New(rand.NewPCG(seed, seed))
		shuffled := slices.Clone(keys)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, k := range shuffled {
			mustRegister(t, e.reg, record(k.SchemaID, k.Version, `{}`))
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, driver.Compare)
		items, next, err := e.reg.List(ctx, tenant, ns, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := recordKeys(items); !slices.Equal(got, want) {
			t.Fatalf("order\n got %q\nwant %q", got, want)
		}
		if next == nil {
			t.Fatalf("next_token is null on a non-empty page")
		}
	})

	t.Run("Pages", func(t *testing.T) {
		e := newEnv(t, h, nil)
		var want []driver.Key
		for i := range 7 {
			k := driver.Key{SchemaID: fmt.Sprintf("s%d", i), Version: "1"}
			want = append(want, k)
			mustRegister(t, e.reg, record(k.SchemaID, k.Version, `{}`))
		}
		// Another namespace's records never show up.
		other := record("s0", "2", `{}`)
		other.NamespaceID = ns + 1
		mustRegister(t, e.reg, other)

		limit := 3
		var got []driver.Key
		var cursor *string
		for page := 0; ; page++ {
			items, next, err := e.reg.List(ctx, tenant, ns, cursor, &limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 {
				if next != nil {
					t.Fatalf("page %d: empty page with next_token %q", page, *next)
				}
				if page != 3 {
					t.Fatalf("ran out after %d pages, want 3 and an empty one", page)
				}
				break
			}
			if len(items) > limit {
				t.Fatalf("page %d has %d items, limit %d", page, len(items), limit)
			}
			// The token is the JSON text of the last item's key, even on the last page.
			last := items[len(items)-1]
			wantToken := fmt.Sprintf(`{"schema_id":%q,"version":%q}`, last.SchemaID, last.Version)
			if next == nil || *next != wantToken {
				t.Fatalf("page %d: next_token %v, want %s", page, next, wantToken)
			}
			got = append(got, recordKeys(items)...)
			cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages gave %q, want %q", got, want)
		}
	})

	t.Run("Cursor", func(t *testing.T) {
		e := newEnv(t, h, nil)
		for _, id := range []string{"a", "b", "c"} {
			mustRegister(t, e.reg, record(id, "1", `{}`))
		}
		for _, c := range []string{
			``, `x`, `null`, `[]`, `"a"`, `{}`, `{"schema_id":"a"}`, `{"version":"1"}`,
			`{"schema_id":1,"version":"1"}`, `{"schema_id":"a","version":null}`,
			`{"schema_id":"a","version":"1"} trailing`, `{"schema_id":"a","version":"1"`,
		} {
			_, _, err := e.reg.List(ctx, tenant, ns, &c, nil)
			wantErr(t, err, errcode.InvalidArgument, "invalid cursor")
			wantIs(t, err, registry.ErrInvalidCursor)
		}
		page := func(cursor string) []string {
			t.Helper()
			items, _, err := e.reg.List(ctx, tenant, ns, &cursor, nil)
			if err != nil {
				t.Fatalf("List(cursor %s): %v", cursor, err)
			}
			var ids []string
			for _, it := range items {
				ids = append(ids, it.SchemaID)
			}
			return ids
		}
		for _, tc := range []struct {
			cursor string
			want   []string
		}{
			{`{"schema_id":"a","version":"1"}`, []string{"b", "c"}},
			{` { "version" : "1", "schema_id" : "b", "extra": [1] } `, []string{"c"}},
			{`{"schema_id":"c","version":"1"}`, nil},
			// A cursor naming no record starts over, even one that would sort inside.
			{`{"schema_id":"b","version":"0"}`, []string{"a", "b", "c"}},
			{`{"schema_id":"zzz","version":"1"}`, []string{"a", "b", "c"}},
			{`{"schema_id":"","version":""}`, []string{"a", "b", "c"}},
		} {
			if got := page(tc.cursor); !slices.Equal(got, tc.want) {
				t.Errorf("cursor %s: got %q, want %q", tc.cursor, got, tc.want)
			}
		}
	})

	t.Run("Limit", func(t *testing.T) {
		e := newEnv(t, h, nil)
		for i := range 60 {
			mustRegister(t, e.reg, record(fmt.Sprintf("s%02d", i), "1", `{}`))
		}
		for _, bad := range []int{0, -1, registry.MaxListLimit + 1} {
			_, _, err := e.reg.List(ctx, tenant, ns, nil, &bad)
			wantErr(t, err, errcode.InvalidArgument, "limit must be between 1 and 1000")
		}
		for _, tc := range []struct {
			limit *int
			want  int
		}{{nil, registry.DefaultListLimit}, {ptr(1), 1}, {ptr(59), 59}, {ptr(60), 60}, {ptr(registry.MaxListLimit), 60}} {
			items, _, err := e.reg.List(ctx, tenant, ns, nil, tc.limit)
			if err != nil || len(items) != tc.want {
				t.Fatalf("limit %v: %d items, %v; want %d", tc.limit, len(items), err, tc.want)
			}
		}
	})

	t.Run("Empty", func(t *testing.T) {
		e := newEnv(t, h, nil)
		items, next, err := e.reg.List(ctx, tenant, ns, nil, nil)
		if err != nil || items == nil || len(items) != 0 || next != nil {
			t.Fatalf("List of an empty namespace = %#v, %v, %v", items, next, err)
		}
		if got := marshal(t, items); got != "[]" {
			t.Fatalf("empty items marshal as %s, want []", got)
		}
		_, _, err = e.reg.List(ctx, 0, ns, nil, nil)
		wantErr(t, err, errcode.InvalidArgument, "tenant_id must be at least 1")
		_, _, err = e.reg.List(ctx, tenant, 0, nil, nil)
		wantErr(t, err, errcode.InvalidArgument, "namespace_id must be at least 1")
	})

	t.Run("RecordsComplete", func(t *testing.T) {
		e := newEnv(t, h, nil)
		rec := record("s", "1", `{"type":"object"}`)
		rec.Description = ptr(strings.Repeat("long ", 1000))
		stored := mustRegister(t, e.reg, rec)
		items, _, err := e.reg.List(ctx, tenant, ns, nil, nil)
		if err != nil || len(items) != 1 || marshal(t, items[0]) != marshal(t, stored) {
			t.Fatalf("List = %v, %v; want the stored record", items, err)
		}
	})
}

func recordKeys(rs []registry.Record) []driver.Key {
	ks := make([]driver.Key, len(rs))
	for i := range rs {
		ks[i] = rs[i].Key()
	}
	return ks
}
