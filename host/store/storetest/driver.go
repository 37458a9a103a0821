package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// testDriver covers the run methods of the driver contract.
func testDriver(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("CreateLoad", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		k := key(7, 3, "run-1")
		_, err := d.Load(ctx, k)
		wantCode(t, err, errcode.NotFound)
		in := blob("one")
		mustCreate(t, d, k, in)
		in[0] = 'X' // the driver must have copied it
		rec, err := d.Load(ctx, k)
		must(t, err)
		if rec.Key != k || rec.Version != 1 || !bytes.Equal(rec.Blob, blob("one")) || rec.Checksum != driver.Sum(blob("one")) {
			t.Fatalf("Load = %+v", rec)
		}
		rec.Blob[0] = 'Y' // and must hand out copies
		again, err := d.Load(ctx, k)
		must(t, err)
		if !bytes.Equal(again.Blob, blob("one")) {
			t.Fatalf("Load returned shared bytes: %q", again.Blob)
		}
		_, err = d.Create(ctx, k, blob("two"), driver.Sum(blob("two")))
		wantCode(t, err, errcode.AlreadyExists)
		if rec, _ := d.Load(ctx, k); !bytes.Equal(rec.Blob, blob("one")) {
			t.Fatalf("a failed Create replaced the run: %q", rec.Blob)
		}
		for _, other := range []scenario.RunKey{key(7, 3, "run-10"), key(7, 4, "run-1"), key(8, 3, "run-1"), key(7, 3, "run-")} {
			_, err := d.Load(ctx, other)
			wantCode(t, err, errcode.NotFound)
		}
	})

	t.Run("Checksum", func(t *testing.T) {
		// The driver stores the checksum it is given; verifying is the
		// portable layer's job, so a wrong one must come back unchanged.
		d := openDriver(t, h, newPath(t))
		k := key(1, 1, "r")
		var odd driver.Checksum
		odd[0], odd[31] = 1, 2
		_, err := d.Create(ctx, k, blob("a"), odd)
		must(t, err)
		rec, err := d.Load(ctx, k)
		must(t, err)
		if rec.Checksum != odd {
			t.Fatalf("stored checksum %s, want %s", rec.Checksum, odd)
		}
	})

	t.Run("Append", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		k := key(1, 2, "r")
		_, err := d.Append(ctx, k, blob("x"), driver.Sum(blob("x")), 1, 0)
		wantCode(t, err, errcode.NotFound)
		mustCreate(t, d, k, blob("v1"))
		mustAppend(t, d, k, blob("v2"), 1, 0)
		for _, prev := range []driver.Version{0, 1, 3, 100} {
			_, err := d.Append(ctx, k, blob("stale"), driver.Sum(blob("stale")), prev, 0)
			wantCode(t, err, errcode.Conflict)
		}
		_, err = d.Append(ctx, k, blob("x"), driver.Sum(blob("x")), 2, -1)
		wantCode(t, err, errcode.InvalidArgument)
		mustAppend(t, d, k, blob("v3"), 2, 0)
		rec, err := d.Load(ctx, k)
		must(t, err)
		if rec.Version != 3 || !bytes.Equal(rec.Blob, blob("v3")) {
			t.Fatalf("Load after appends = %d %q", rec.Version, rec.Blob)
		}
		for v := driver.Version(1); v <= 3; v++ {
			rec, err := d.Get(ctx, k, v)
			must(t, err)
			if want := blob(fmt.Sprintf("v%d", v)); rec.Version != v || rec.Key != k || !bytes.Equal(rec.Blob, want) || rec.Checksum != driver.Sum(want) {
				t.Fatalf("Get(%d) = %+v", v, rec)
			}
		}
		for _, v := range []driver.Version{0, 4} {
			_, err := d.Get(ctx, k, v)
			wantCode(t, err, errcode.NotFound)
		}
		_, err = d.Get(ctx, key(1, 2, "other"), 1)
		wantCode(t, err, errcode.NotFound)
	})

	// LatestLoader is optional: its checks exist only for drivers that
	// implement it (pgstore asserts at compile time that it does).
	latestPath := newPath(t)
	if d := openDriver(t, h, latestPath); isLatestLoader(d) {
		t.Run("LoadUnlessLatest", func(t *testing.T) { testLatestLoader(t, h, latestPath, d) })
	}

	t.Run("Versions", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		k := key(1, 1, "r")
		_, err := d.Versions(ctx, k)
		wantCode(t, err, errcode.NotFound)
		mustCreate(t, d, k, blob("1"))
		mustAppend(t, d, k, blob("22"), 1, 0)
		mustAppend(t, d, k, blob("333"), 2, 0)
		// A run whose id extends this one's must not leak into its versions.
		mustCreate(t, d, key(1, 1, "r2"), blob("x"))
		mustCreate(t, d, key(1, 1, "r\x00"), blob("x"))
		vs, err := d.Versions(ctx, k)
		must(t, err)
		want := []driver.VersionInfo{
			{Version: 1, Checksum: driver.Sum(blob("1")), Size: len(blob("1"))},
			{Version: 2, Checksum: driver.Sum(blob("22")), Size: len(blob("22"))},
			{Version: 3, Checksum: driver.Sum(blob("333")), Size: len(blob("333"))},
		}
		if !slices.Equal(vs, want) {
			t.Fatalf("Versions = %+v, want %+v", vs, want)
		}
	})

	t.Run("Prune", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		k := key(1, 1, "r")
		_, err := d.Prune(ctx, k, 1)
		wantCode(t, err, errcode.NotFound)
		mustCreate(t, d, k, blob("1"))
		for v := driver.Version(1); v < 5; v++ {
			mustAppend(t, d, k, blob(fmt.Sprint(v+1)), v, 0)
		}
		mustCreate(t, d, key(1, 1, "r0"), blob("neighbour"))
		mustAppend(t, d, key(1, 1, "r0"), blob("neighbour2"), 1, 0)
		for _, keep := range []int{0, -1} {
			_, err := d.Prune(ctx, k, keep)
			wantCode(t, err, errcode.InvalidArgument)
		}
		n, err := d.Prune(ctx, k, 2)
		if err != nil || n != 3 {
			t.Fatalf("Prune(keep 2) of 5 versions = %d, %v; want 3", n, err)
		}
		wantVersions(t, d, k, 4, 5)
		wantVersions(t, d, key(1, 1, "r0"), 1, 2)
		_, err = d.Get(ctx, k, 3)
		wantCode(t, err, errcode.NotFound)
		if n, err := d.Prune(ctx, k, 2); err != nil || n != 0 {
			t.Fatalf("second Prune = %d, %v", n, err)
		}
		if n, err := d.Prune(ctx, k, 10); err != nil || n != 0 {
			t.Fatalf("Prune(keep 10) = %d, %v", n, err)
		}
		// Versions are never reused after pruning.
		mustAppend(t, d, k, blob("6"), 5, 0)
		n, err = d.Prune(ctx, k, 1)
		if err != nil || n != 2 {
			t.Fatalf("Prune(keep 1) = %d, %v", n, err)
		}
		wantVersions(t, d, k, 6)
		rec, err := d.Load(ctx, k)
		if err != nil || rec.Version != 6 || !bytes.Equal(rec.Blob, blob("6")) {
			t.Fatalf("Load after prune = %+v, %v", rec, err)
		}
	})

	t.Run("AppendKeep", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		k := key(2, 2, "r")
		mustCreate(t, d, k, blob("1"))
		for v := driver.Version(1); v < 8; v++ {
			mustAppend(t, d, k, blob(fmt.Sprint(v+1)), v, 3)
			lo := max(1, int(v)+1-2)
			var want []driver.Version
			for x := lo; x <= int(v)+1; x++ {
				want = append(want, driver.Version(x))
			}
			wantVersions(t, d, k, want...)
		}
		// keep 1 leaves only the new version; keep 0 stops pruning.
		mustAppend(t, d, k, blob("9"), 8, 1)
		wantVersions(t, d, k, 9)
		mustAppend(t, d, k, blob("10"), 9, 0)
		wantVersions(t, d, k, 9, 10)
	})

	t.Run("List", func(t *testing.T) { testList(t, h) })

	t.Run("ConcurrentAppend", func(t *testing.T) {
		// Of many appends on the same prev version exactly one wins; retried
		// on conflict, every writer's append lands exactly once.
		d := openDriver(t, h, newPath(t))
		k := key(3, 3, "hot")
		mustCreate(t, d, k, blob("0"))
		const writers, each = 8, 10
		var conflicts atomic.Int64
		hammer(writers, func(w int) {
			for i := 0; i < each; {
				rec, err := d.Load(ctx, k)
				if err != nil {
					t.Error(err)
					return
				}
				b := blob(fmt.Sprintf("w%d-%d", w, i))
				_, err = d.Append(ctx, k, b, driver.Sum(b), rec.Version, 0)
				switch errcode.Of(err) {
				case "":
					i++
				case errcode.Conflict:
					conflicts.Add(1)
				default:
					t.Error(err)
					return
				}
			}
		})
		vs, err := d.Versions(ctx, k)
		must(t, err)
		if len(vs) != 1+writers*each || vs[len(vs)-1].Version != driver.Version(1+writers*each) {
			t.Fatalf("%d versions (latest %d), want %d", len(vs), vs[len(vs)-1].Version, 1+writers*each)
		}
		seen := map[driver.Checksum]bool{}
		for _, vi := range vs {
			if seen[vi.Checksum] {
				t.Fatalf("version %d duplicates an earlier blob", vi.Version)
			}
			seen[vi.Checksum] = true
		}
		t.Logf("%d conflicts retried", conflicts.Load())
	})

	t.Run("ConcurrentCreate", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		var won atomic.Int64
		hammer(8, func(i int) {
			b := blob(fmt.Sprint(i))
			_, err := d.Create(ctx, key(1, 1, "once"), b, driver.Sum(b))
			switch errcode.Of(err) {
			case "":
				won.Add(1)
			case errcode.AlreadyExists:
			default:
				t.Error(err)
			}
		})
		if won.Load() != 1 {
			t.Fatalf("%d creates of one key succeeded", won.Load())
		}
	})
}

func wantVersions(tb testing.TB, d driver.Store, k scenario.RunKey, want ...driver.Version) {
	tb.Helper()
	vs, err := d.Versions(context.Background(), k)
	if err != nil {
		tb.Fatalf("Versions(%s): %v", k, err)
	}
	var got []driver.Version
	for _, vi := range vs {
		got = append(got, vi.Version)
	}
	if !slices.Equal(got, want) {
		tb.Fatalf("Versions(%s) = %v, want %v", k, got, want)
	}
}

// testList covers List order, filters and paging.
func testList(t *testing.T, h Harness) {
	ctx := context.Background()
	d := openDriver(t, h, newPath(t))
	got, err := d.List(ctx, driver.ListOptions{Limit: 10})
	if err != nil || len(got) != 0 {
		t.Fatalf("List of an empty store = %v, %v", got, err)
	}
	all := []scenario.RunKey{
		key(1, 1, "a"), key(1, 1, "a\x00"), key(1, 1, "ab"), key(1, 1, "b"), key(1, 1, "é"),
		key(1, 2, "a"), key(1, 1<<40, "z"), key(2, 1, "a"), key(1<<63+5, 1, "big"), key(300, 7, "x"),
	}
	for i, k := range slices.Backward(all) {
		mustCreate(t, d, k, blob(k.String()))
		for v := range i % 3 {
			mustAppend(t, d, k, blob(fmt.Sprint(v)), driver.Version(v+1), 0)
		}
	}
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, driver.Compare)
	for _, tc := range []struct {
		name string
		opts driver.ListOptions
		want func(scenario.RunKey) bool
	}{
		{"all", driver.ListOptions{}, func(scenario.RunKey) bool { return true }},
		{"tenant", driver.ListOptions{TenantID: 1}, func(k scenario.RunKey) bool { return k.TenantID == 1 }},
		{"namespace", driver.ListOptions{TenantID: 1, NamespaceID: 1}, func(k scenario.RunKey) bool { return k.TenantID == 1 && k.NamespaceID == 1 }},
		{"big tenant", driver.ListOptions{TenantID: 1<<63 + 5}, func(k scenario.RunKey) bool { return k.TenantID == 1<<63+5 }},
		{"empty scope", driver.ListOptions{TenantID: 9}, func(scenario.RunKey) bool { return false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []scenario.RunKey
			for _, k := range sorted {
				if tc.want(k) {
					want = append(want, k)
				}
			}
			for _, limit := range []int{1, 2, 3, 100} {
				opts := tc.opts
				opts.Limit = limit
				var keys []scenario.RunKey
				for range 100 {
					page, err := d.List(ctx, opts)
					must(t, err)
					if len(page) > limit {
						t.Fatalf("page of %d with limit %d", len(page), limit)
					}
					for _, ri := range page {
						keys = append(keys, ri.Key)
						i := slices.Index(all, ri.Key)
						if ri.Latest != driver.Version(1+i%3) || ri.Versions != int(ri.Latest) {
							t.Fatalf("%s: latest %d, %d versions", ri.Key, ri.Latest, ri.Versions)
						}
					}
					if len(page) < limit {
						break
					}
					last := page[len(page)-1].Key
					opts.After = &last
				}
				if !slices.Equal(keys, want) {
					t.Fatalf("limit %d: listed %q, want %q", limit, keys, want)
				}
			}
		})
	}
	t.Run("after a missing key", func(t *testing.T) {
		after := key(1, 1, "aa")
		page, err := d.List(ctx, driver.ListOptions{After: &after, Limit: 2})
		must(t, err)
		if len(page) != 2 || page[0].Key != key(1, 1, "ab") || page[1].Key != key(1, 1, "b") {
			t.Fatalf("page after %s = %+v", after, page)
		}
		before := key(0, 0, "")
		page, err = d.List(ctx, driver.ListOptions{TenantID: 2, After: &before, Limit: 5})
		must(t, err)
		if len(page) != 1 || page[0].Key != key(2, 1, "a") {
			t.Fatalf("page of tenant 2 after the start = %+v", page)
		}
		beyond := key(3, 0, "")
		page, err = d.List(ctx, driver.ListOptions{TenantID: 2, After: &beyond, Limit: 5})
		if err != nil || len(page) != 0 {
			t.Fatalf("page of tenant 2 after tenant 3 = %+v, %v", page, err)
		}
	})
	t.Run("bad options", func(t *testing.T) {
		_, err := d.List(ctx, driver.ListOptions{Limit: 0})
		wantCode(t, err, errcode.InvalidArgument)
		_, err = d.List(ctx, driver.ListOptions{NamespaceID: 1, Limit: 1})
		wantCode(t, err, errcode.InvalidArgument)
	})
}

// testSpecs covers spec storage.
func testSpecs(t *testing.T, h Harness) {
	ctx := context.Background()
	d := openDriver(t, h, newPath(t))
	_, err := d.GetSpec(ctx, "s")
	wantCode(t, err, errcode.NotFound)
	ids, err := d.ListSpecs(ctx, "", 10)
	if err != nil || len(ids) != 0 {
		t.Fatalf("ListSpecs of an empty store = %v, %v", ids, err)
	}
	names := []string{"b", "a", "a-1", "a\x00", "é", "zz"}
	for _, id := range names {
		b := blob(id)
		must(t, d.PutSpec(ctx, driver.Spec{ScenarioID: id, Blob: b, Checksum: driver.Sum(b)}))
	}
	err = d.PutSpec(ctx, driver.Spec{ScenarioID: "a", Blob: blob("a"), Checksum: driver.Sum(blob("a"))})
	wantCode(t, err, errcode.AlreadyExists)
	err = d.PutSpec(ctx, driver.Spec{ScenarioID: "b", Blob: blob("other"), Checksum: driver.Sum(blob("other"))})
	wantCode(t, err, errcode.AlreadyExists)
	for _, id := range names {
		s, err := d.GetSpec(ctx, id)
		must(t, err)
		if s.ScenarioID != id || !bytes.Equal(s.Blob, blob(id)) || s.Checksum != driver.Sum(blob(id)) {
			t.Fatalf("GetSpec(%q) = %+v", id, s)
		}
	}
	want := slices.Clone(names)
	slices.Sort(want)
	for _, limit := range []int{1, 2, 100} {
		var got []string
		after := ""
		for range 100 {
			page, err := d.ListSpecs(ctx, after, limit)
			must(t, err)
			got = append(got, page...)
			if len(page) < limit {
				break
			}
			after = page[len(page)-1]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ListSpecs(limit %d) = %q, want %q", limit, got, want)
		}
	}
	page, err := d.ListSpecs(ctx, "a-0", 2)
	if err != nil || !slices.Equal(page, []string{"a-1", "b"}) {
		t.Fatalf("ListSpecs after a missing id = %q, %v", page, err)
	}
	_, err = d.ListSpecs(ctx, "", 0)
	wantCode(t, err, errcode.InvalidArgument)
	var won atomic.Int64
	hammer(8, func(i int) {
		b := blob(fmt.Sprint(i))
		err := d.PutSpec(ctx, driver.Spec{ScenarioID: "race", Blob: b, Checksum: driver.Sum(b)})
		switch errcode.Of(err) {
		case "":
			won.Add(1)
		case errcode.AlreadyExists:
		default:
			t.Error(err)
		}
	})
	if won.Load() != 1 {
		t.Fatalf("%d puts of one scenario id succeeded", won.Load())
	}
}

// testLifecycle covers Close and contexts.
func testLifecycle(t *testing.T, h Harness) {
	ctx := context.Background()
	t.Run("Close", func(t *testing.T) {
		d := h.Open(t, newPath(t))
		k := key(1, 1, "r")
		mustCreate(t, d, k, blob("1"))
		must(t, d.Close())
		must(t, d.Close())
		_, err := d.Load(ctx, k)
		wantCode(t, err, errcode.Unavailable)
		_, err = d.Append(ctx, k, blob("2"), driver.Sum(blob("2")), 1, 0)
		wantCode(t, err, errcode.Unavailable)
		_, err = d.Create(ctx, key(1, 1, "s"), blob("2"), driver.Sum(blob("2")))
		wantCode(t, err, errcode.Unavailable)
		_, err = d.List(ctx, driver.ListOptions{Limit: 1})
		wantCode(t, err, errcode.Unavailable)
		err = d.PutSpec(ctx, driver.Spec{ScenarioID: "s", Blob: blob("s"), Checksum: driver.Sum(blob("s"))})
		wantCode(t, err, errcode.Unavailable)
		_, err = d.GetSpec(ctx, "s")
		wantCode(t, err, errcode.Unavailable)
	})
	t.Run("Context", func(t *testing.T) {
		d := openDriver(t, h, newPath(t))
		k := key(1, 1, "r")
		mustCreate(t, d, k, blob("1"))
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := d.Create(canceled, key(1, 1, "new"), blob("x"), driver.Sum(blob("x")))
		wantCode(t, err, errcode.Canceled)
		_, err = d.Append(canceled, k, blob("2"), driver.Sum(blob("2")), 1, 0)
		wantCode(t, err, errcode.Canceled)
		_, err = d.Load(canceled, k)
		wantCode(t, err, errcode.Canceled)
		err = d.PutSpec(canceled, driver.Spec{ScenarioID: "s", Blob: blob("s"), Checksum: driver.Sum(blob("s"))})
		wantCode(t, err, errcode.Canceled)
		_, err = d.Load(ctx, key(1, 1, "new"))
		wantCode(t, err, errcode.NotFound)
		wantVersions(t, d, k, 1)
		_, err = d.GetSpec(ctx, "s")
		wantCode(t, err, errcode.NotFound)
	})
}

func isLatestLoader(d driver.Store) bool {
	_, ok := d.(driver.LatestLoader)
	return ok
}

// testLatestLoader covers driver.LatestLoader on d, a driver open on path.
func testLatestLoader(t *testing.T, h Harness, path string, d driver.Store) {
	ctx := context.Background()
	ll := d.(driver.LatestLoader)
	k := key(3, 4, "r")
	_, _, err := ll.LoadUnlessLatest(ctx, k, 1, driver.Sum(blob("v1")))
	wantCode(t, err, errcode.NotFound)
	mustCreate(t, d, k, blob("v1"))
	mustAppend(t, d, k, blob("v2"), 1, 0)
	full := func(v driver.Version, sum driver.Checksum) {
		t.Helper()
		rec, unchanged, err := ll.LoadUnlessLatest(ctx, k, v, sum)
		must(t, err)
		if unchanged || rec.Key != k || rec.Version != 2 || !bytes.Equal(rec.Blob, blob("v2")) || rec.Checksum != driver.Sum(blob("v2")) {
			t.Fatalf("LoadUnlessLatest(%d, %s) = %+v, unchanged %v; want version 2 in full", v, sum, rec, unchanged)
		}
	}
	full(0, driver.Checksum{})
	full(1, driver.Sum(blob("v1")))         // an older version
	full(2, driver.Sum(blob("another v2"))) // the latest version with another checksum
	full(3, driver.Sum(blob("v2")))         // a version not written yet
	rec, unchanged, err := ll.LoadUnlessLatest(ctx, k, 2, driver.Sum(blob("v2")))
	must(t, err)
	if !unchanged || rec.Version != 2 || rec.Checksum != driver.Sum(blob("v2")) || rec.Blob != nil {
		t.Fatalf("LoadUnlessLatest of the latest version = %+v, unchanged %v; want unchanged without blob", rec, unchanged)
	}
	// Another writer moves the run on (another process when the backend
	// is shared): the caller's version is stale.
	writer := d
	if h.Shared {
		writer = openDriver(t, h, path)
	}
	mustAppend(t, writer, k, blob("v3"), 2, 0)
	rec, unchanged, err = ll.LoadUnlessLatest(ctx, k, 2, driver.Sum(blob("v2")))
	must(t, err)
	if unchanged || rec.Version != 3 || !bytes.Equal(rec.Blob, blob("v3")) {
		t.Fatalf("after another writer appended: %+v, unchanged %v", rec, unchanged)
	}
}
