package wasm

import (
	"context"
	"log/slog"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/trust"
)

// benchModule loads the Go guest with a one-instance pool and an env grant;
// its "env" check is the equivalent of the built-in env.get.
func benchModule(b *testing.B) *Module {
	b.Helper()
	grant, opts := fullGrant(b, b.TempDir(), map[string]string{"DEPLOY_ENV": "production"})
	spec := signedSpec(b, guest(b), "testguest", guestCaps)
	spec.Grant = grant
	spec.Limits = Limits{PoolSize: 1}
	return load(b, spec, opts)
}

var benchQuery = evidence.Query{ProviderID: "testguest", CheckID: "env", Params: []byte(`{"key":"DEPLOY_ENV"}`)}

func BenchmarkProviderCall(b *testing.B) {
	ctx := context.Background()
	b.Run("warm", func(b *testing.B) {
		m := benchModule(b)
		b.ReportAllocs()
		for b.Loop() {
			res, err := m.Query(ctx, benchQuery, testCtx)
			if err != nil || string(res.Value.JSON) != `"production"` {
				b.Fatalf("%v %+v", err, res)
			}
		}
	})
	b.Run("cold_instantiate", func(b *testing.B) {
		m := benchModule(b)
		input, err := m.encodeQuery(benchQuery, testCtx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			in, err := m.engine.newInstance(ctx)
			if err != nil {
				b.Fatal(err)
			}
			cctx, _ := withCallState(ctx)
			if _, err := in.runQuery(cctx, input, m.limits.MaxOutputBytes); err != nil {
				b.Fatal(err)
			}
			in.close(ctx)
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	wasm := guest(b)
	grant, opts := fullGrant(b, b.TempDir(), nil)
	h := &host{providerID: "testguest", grant: grant, lookupEnv: opts.lookupEnv(), log: slog.New(slog.DiscardHandler)}
	limits := resolveLimits(Limits{}, trust.ManifestLimits{})
	compile := func(b *testing.B, c *Cache) {
		e, err := newEngine(ctx, wasm, h, limits, c, false, h.log)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.close(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			c, _ := NewCache("")
			compile(b, c)
			_ = c.Close(ctx)
		}
	})
	b.Run("cache_hit", func(b *testing.B) {
		c, _ := NewCache("")
		defer c.Close(ctx)
		compile(b, c)
		for b.Loop() {
			compile(b, c)
		}
	})
	b.Run("file_cache_hit", func(b *testing.B) {
		dir := b.TempDir() + "/cache"
		c, err := NewCache(dir)
		if err != nil {
			b.Fatal(err)
		}
		compile(b, c)
		_ = c.Close(ctx)
		for b.Loop() {
			c, _ := NewCache(dir) // a new process: only the files are shared
			compile(b, c)
			_ = c.Close(ctx)
		}
	})
}
