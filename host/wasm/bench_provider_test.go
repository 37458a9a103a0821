package wasm

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/trust"
	"github.com/decision-gate/dgw/plugins"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Benchmarks of the embedded built-in providers through the full provider
// path: Module.Query with the default per-call deadline (2000 ms) and
// WithCloseOnContextDone on, exactly as the server runs them. The "native"
// variants run the same check logic as plain Go functions, so the gap is
// the cost of Wasm plus the pv1 ABI.
//
// The names carry "Builtin" because bench_test.go already has
// BenchmarkProviderCall and BenchmarkCompile for the test guest.
//
//	go test -run '^$' -bench 'Builtin' -count 5 ./host/wasm
//
// Besides ns/op every benchmark reports the median and 99th percentile of
// its per-call latencies (p50-µs, p99-µs).

// builtinEnvGrant is what host/server grants the env built-in, with the
// allowlist narrowed to the benchmark's variables.
const builtinEnvGrant = `{"env/v1/get":{"allowlist":["DEPLOY_ENV","UNSET"],"denylist":[],"max_key_bytes":255,"max_value_bytes":65536},"log/v1":{}}`

// builtinEnvConfig is the guest config host/server passes with the
// default env config.
const builtinEnvConfig = `{"allowlist":null,"denylist":[],"max_key_bytes":255,"max_value_bytes":65536}`

var builtinEnv = map[string]string{"DEPLOY_ENV": "production", "SECRET": "hunter2"}

var (
	envGetQuery    = evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"DEPLOY_ENV"}`)}
	timeAfterQuery = evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{"timestamp":1700000000000}`)}
	jsonPathQuery  = evidence.Query{ProviderID: "json", CheckID: "path", Params: []byte(`{"file":"report.json","jsonpath":"$.summary.failed"}`)}
)

// benchReport is the report file the json benchmarks read.
const benchReport = `{"summary":{"passed":120,"failed":0},"coverage":79.5}`

// builtinSpec builds the load spec host/server builds for a built-in.
func builtinSpec(tb testing.TB, name string) LoadSpec {
	tb.Helper()
	mod, manifest, sig, err := plugins.Module(name)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := trust.ParsePublicKey(plugins.PublicKey(), plugins.Names...)
	if err != nil {
		tb.Fatal(err)
	}
	// The grants and guest configs host/server builds from the embedded
	// default config.
	var grantDoc, config string
	switch name {
	case "time":
		grantDoc, config = `{"log/v1":{}}`, `{"allow_logical":true}`
	case "env":
		grantDoc, config = builtinEnvGrant, builtinEnvConfig
	case "json":
		root, err := json.Marshal(tb.TempDir())
		if err != nil {
			tb.Fatal(err)
		}
		grantDoc = `{"fs/v1/read":{"root":` + string(root) + `,"max_bytes":1048576},"log/v1":{}}`
		config = `{"root_id":"workdir","max_bytes":1048576,"allow_yaml":true}`
	case "http":
		grantDoc = `{"http/v1/fetch":{"allow_http":false,"allow_private":false,"allowed_hosts":["*"],"max_response_bytes":1048576,"timeout_ms":5000,"user_agent":"decision-gate/0.1"},"log/v1":{}}`
		config = `{"allow_http":false,"timeout_ms":5000,"max_response_bytes":1048576,"allowed_hosts":null,"user_agent":"decision-gate/0.1","hash_algorithm":"sha256","allow_private":false}`
	case "assetcore":
		grantDoc = `{"http/v1/fetch":{"allow_http":true,"allow_private":true,"allowed_hosts":["127.0.0.1:9000"],"max_response_bytes":1048576,"timeout_ms":1500},"log/v1":{}}`
		config = `{"base_url":"http://127.0.0.1:9000","namespace_id":"1"}`
	}
	grant, err := capability.ParseGrant([]byte(grantDoc))
	if err != nil {
		tb.Fatal(err)
	}
	return LoadSpec{
		Module: mod, Manifest: manifest, Signature: sig,
		ModuleName: "builtin:" + name + "/" + name + ".wasm", ManifestName: "builtin:" + name + "/provider.json",
		SignatureName: "builtin:" + name + "/provider.json.sig",
		TrustedKeys:   []*trust.PublicKey{key}, Grant: grant, Config: json.RawMessage(config),
	}
}

func builtinOptions() *Options {
	return &Options{LookupEnv: func(k string) (string, bool) { v, ok := builtinEnv[k]; return v, ok }}
}

// timedLoop runs call under b.Loop after a warm-up, recording each call's
// latency, and reports p50 and p99 in microseconds.
func timedLoop(b *testing.B, call func() error) {
	b.Helper()
	for range 200 {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		err := call()
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p int) float64 {
		i := min(len(lat)-1, len(lat)*p/100)
		return float64(lat[i]) / float64(time.Microsecond)
	}
	b.ReportMetric(at(50), "p50-µs")
	b.ReportMetric(at(99), "p99-µs")
}

// checkValue fails unless res carries want as its JSON value.
func checkValue(res evidence.Result, err error, want string) error {
	switch {
	case err != nil:
		return err
	case res.Value == nil || string(res.Value.JSON) != want:
		return errors.New("unexpected result value")
	}
	return nil
}

func BenchmarkBuiltinProviderCall(b *testing.B) {
	ctx := context.Background()
	b.Run("env.get/warm", func(b *testing.B) {
		m := load(b, builtinSpec(b, "env"), builtinOptions())
		timedLoop(b, func() error {
			res, err := m.Query(ctx, envGetQuery, testCtx)
			return checkValue(res, err, `"production"`)
		})
	})
	b.Run("env.get/native", func(b *testing.B) {
		// The same host-side encoding and decoding as the Wasm path, with
		// the check as a Go function in place of the module.
		m := load(b, builtinSpec(b, "env"), builtinOptions())
		check := nativeEnvGet(m.Grant().Env, builtinOptions().LookupEnv)
		timedLoop(b, func() error {
			res, err := nativeRoundTrip(m, envGetQuery, testCtx, check)
			return checkValue(res, err, `"production"`)
		})
	})
	b.Run("env.get/native_direct", func(b *testing.B) {
		// No envelopes: parse the params and build the result in Go.
		grant := builtinSpec(b, "env").Grant.Env
		lookup := builtinOptions().LookupEnv
		timedLoop(b, func() error {
			var p struct {
				Key *string `json:"key"`
			}
			if err := json.Unmarshal(envGetQuery.Params, &p); err != nil || p.Key == nil {
				return errors.New("bad params")
			}
			v, err := grant.Get(*p.Key, lookup)
			if err != nil {
				return err
			}
			ct := "text/plain"
			res := evidence.Result{Value: &evidence.Value{Kind: evidence.JSONValue, JSON: strconv.AppendQuote(nil, v)},
				ContentType: &ct}
			return checkValue(res, nil, `"production"`)
		})
	})
	b.Run("env.get/call_floor", func(b *testing.B) {
		// Diagnostic: the floor of any guest call — one export call (the
		// no-op pv_abi_v1 marker) on a warm instance under the same per-call
		// deadline, so CloseOnContextDone's watchdog is armed. A warm Query
		// makes one such call (pv_query), plus the guest's own work.
		m := load(b, builtinSpec(b, "env"), builtinOptions())
		in, err := m.pool.get(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer m.pool.put(in)
		marker := in.mod.ExportedFunction(abi.ExportABIMarker)
		timedLoop(b, func() error {
			cctx, cancel := context.WithTimeout(ctx, m.limits.timeout())
			defer cancel()
			_, err := marker.Call(cctx)
			return err
		})
	})
	b.Run("env.get/warm_nointerrupt", func(b *testing.B) {
		// Diagnostic, not how the server runs: the same Query path with
		// WithCloseOnContextDone(false), so guest code is not interruptible.
		// The gap to env.get/warm is the cost of the interrupt checks.
		m := loadUninterruptible(b, builtinSpec(b, "env"), builtinOptions())
		timedLoop(b, func() error {
			res, err := m.Query(ctx, envGetQuery, testCtx)
			return checkValue(res, err, `"production"`)
		})
	})
	b.Run("time.after/warm", func(b *testing.B) {
		m := load(b, builtinSpec(b, "time"), builtinOptions())
		timedLoop(b, func() error {
			res, err := m.Query(ctx, timeAfterQuery, testCtx)
			return checkValue(res, err, `true`)
		})
	})
	b.Run("json.path/warm", func(b *testing.B) {
		// The server benchmark's json condition: read a small report under
		// the granted root and select one value.
		spec := builtinSpec(b, "json")
		if err := os.WriteFile(filepath.Join(spec.Grant.FS.Root(), "report.json"), []byte(benchReport), 0o600); err != nil {
			b.Fatal(err)
		}
		m := load(b, spec, builtinOptions())
		timedLoop(b, func() error {
			res, err := m.Query(ctx, jsonPathQuery, testCtx)
			return checkValue(res, err, `0`)
		})
	})
	b.Run("time.after/native", func(b *testing.B) {
		m := load(b, builtinSpec(b, "time"), builtinOptions())
		timedLoop(b, func() error {
			res, err := nativeRoundTrip(m, timeAfterQuery, testCtx, nativeTimeAfter)
			return checkValue(res, err, `true`)
		})
	})
}

// loadUninterruptible loads spec, then rebuilds its engine and pool the way
// newEngine and Load do but with WithCloseOnContextDone(false).
func loadUninterruptible(b *testing.B, spec LoadSpec, opts *Options) *Module {
	b.Helper()
	ctx := context.Background()
	ref := load(b, spec, opts)
	cfg := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(false).
		WithMemoryLimitPages(ref.limits.MemoryPages).
		WithCompilationCache(opts.cache().cc)
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	compiled, err := r.CompileModule(ctx, spec.Module)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		b.Fatal(err)
	}
	if err := ref.engine.host.instantiateHostModule(ctx, r, false); err != nil {
		b.Fatal(err)
	}
	e := new(engine)
	*e = *ref.engine // same host, limits and wire options; its own runtime
	e.runtime, e.compiled = r, compiled
	m, err := start(ctx, e, spec, ref.verified, ref.log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close(ctx) })
	return m
}

// TestBuiltinNativeEquivalent checks that the native stand-ins answer as
// the built-in modules do, so that the native numbers measure the same work.
func TestBuiltinNativeEquivalent(t *testing.T) {
	ctx := context.Background()
	env := load(t, builtinSpec(t, "env"), builtinOptions())
	tm := load(t, builtinSpec(t, "time"), builtinOptions())
	envCheck := nativeEnvGet(env.Grant().Env, builtinOptions().LookupEnv)
	cases := []struct {
		m     *Module
		q     evidence.Query
		check func(nativeRequest) nativeAnswer
	}{
		{env, envGetQuery, envCheck},
		{env, evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"UNSET"}`)}, envCheck},
		{env, evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"SECRET"}`)}, envCheck},
		{env, evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":7}`)}, envCheck},
		{tm, timeAfterQuery, nativeTimeAfter},
		{tm, evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{"timestamp":1720000000000}`)}, nativeTimeAfter},
		{tm, evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{}`)}, nativeTimeAfter},
	}
	for _, c := range cases {
		want, werr := c.m.Query(ctx, c.q, testCtx)
		got, gerr := nativeRoundTrip(c.m, c.q, testCtx, c.check)
		if werr != nil || gerr != nil {
			// A provider failure must read the same on both sides.
			if werr == nil || gerr == nil || errcode.Of(werr) != errcode.ProviderFailed ||
				errcode.Of(gerr) != errcode.ProviderFailed || !strings.HasSuffix(werr.Error(), ": "+gerr.Error()) {
				t.Errorf("%s %s: wasm error %v, native error %v", c.q.CheckID, c.q.Params, werr, gerr)
			}
			continue
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if string(wj) != string(gj) {
			t.Errorf("%s %s:\nwasm   %s\nnative %s", c.q.CheckID, c.q.Params, wj, gj)
		}
	}
}

// nativeRequest is what a check reads; nativeAnswer is what it returns
// (value nil: value null).
type nativeRequest struct {
	params, config json.RawMessage
	timeKind       uint8 // abi.TimeUnixMillis or abi.TimeLogical
	timeValue      uint64
}

type nativeAnswer struct {
	failed                               bool
	message                              string
	value                                []byte
	anchorType, anchorValue, contentType string
}

// nativeRoundTrip is the Wasm path with the guest replaced by a Go
// function: the host encodes the query exactly as for m (a binary frame or
// the JSON envelope, whichever the module speaks), the request is decoded
// as the SDK decodes it, check runs, its answer is encoded in the same wire
// form and decoded and checked by the host's own decoder.
func nativeRoundTrip(m *Module, q evidence.Query, ec evidence.Context, check func(nativeRequest) nativeAnswer) (evidence.Result, error) {
	input, err := m.encodeQuery(q, ec)
	if err != nil {
		return evidence.Result{}, err
	}
	if abi.IsQueryFrame(input) {
		f, err := abi.DecodeQueryFrame(input)
		if err != nil {
			return evidence.Result{}, err
		}
		cfg := json.RawMessage(f.Config)
		if cfg == nil {
			cfg = m.config // delivered once per instance by pv_configure
		}
		a := check(nativeRequest{params: f.Params, config: cfg, timeKind: f.TimeKind, timeValue: f.TimeValue})
		rf := abi.ResultFrame{Failed: a.failed}
		if a.failed {
			rf.ErrorCode, rf.ErrorMessage = []byte(abi.ErrorCodeProvider), []byte(a.message)
		} else {
			rf.HasValue, rf.Value = a.value != nil, a.value
			rf.AnchorType, rf.AnchorValue = []byte(a.anchorType), []byte(a.anchorValue)
			if a.contentType != "" {
				rf.ContentType = []byte(a.contentType)
			}
		}
		return decodeResultFrame(abi.AppendResultFrame(make([]byte, 0, 128), &rf))
	}
	var req abi.QueryRequest
	if err := json.Unmarshal(input, &req); err != nil {
		return evidence.Result{}, err
	}
	nr := nativeRequest{params: req.Params, config: req.Config, timeKind: abi.TimeUnixMillis, timeValue: uint64(req.Context.TriggerTime.Millis)}
	if req.Context.TriggerTime.Kind == abi.TimestampLogical {
		nr.timeKind, nr.timeValue = abi.TimeLogical, req.Context.TriggerTime.Logical
	}
	a := check(nr)
	resp := abi.Response{OK: !a.failed}
	if a.failed {
		resp.Error = &abi.ResponseError{Code: abi.ErrorCodeProvider, Message: a.message}
	} else {
		resp.Result = &abi.Result{Lane: abi.LaneVerified, EvidenceAnchor: &abi.Anchor{AnchorType: a.anchorType, AnchorValue: a.anchorValue}}
		if a.value != nil {
			resp.Result.Value = &abi.Value{Kind: abi.ValueJSON, Value: a.value}
		}
		if a.contentType != "" {
			resp.Result.ContentType = &a.contentType
		}
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return evidence.Result{}, err
	}
	return decodeResponse(out)
}

func nativeFail(msg string) nativeAnswer { return nativeAnswer{failed: true, message: msg} }

// nativeEnvConfig is the env built-in's config block.
type nativeEnvConfig struct {
	Allowlist     *[]string `json:"allowlist"`
	Denylist      []string  `json:"denylist"`
	MaxKeyBytes   int       `json:"max_key_bytes"`
	MaxValueBytes int       `json:"max_value_bytes"`
}

// nativeEnvGet is the env built-in's get check as a Go function: params
// and config checks, then the variable read through the same grant check
// the host applies to env_get. Like the module, it parses the config once
// and reuses it while the block is unchanged.
func nativeEnvGet(grant *capability.EnvGrant, lookup func(string) (string, bool)) func(nativeRequest) nativeAnswer {
	var lastRaw string
	var last nativeEnvConfig
	var lastErr error
	return func(r nativeRequest) nativeAnswer {
		if lastRaw == "" || lastRaw != string(r.config) {
			last, lastErr = nativeEnvConfig{MaxKeyBytes: 255, MaxValueBytes: 65536}, nil
			if len(r.config) > 0 {
				lastErr = json.Unmarshal(r.config, &last)
			}
			lastRaw = string(r.config)
		}
		if lastErr != nil {
			return nativeFail("invalid env provider config: " + lastErr.Error())
		}
		cfg := last
		if r.params == nil {
			return nativeFail("env check requires params")
		}
		var params map[string]json.RawMessage
		if err := json.Unmarshal(r.params, &params); err != nil || params == nil {
			return nativeFail("env params must be an object")
		}
		raw, ok := params["key"]
		if !ok {
			return nativeFail("missing env key")
		}
		var key string
		if err := json.Unmarshal(raw, &key); err != nil {
			return nativeFail("env key must be a string")
		}
		if len(key) > cfg.MaxKeyBytes {
			return nativeFail("env key exceeds limit")
		}
		if slices.Contains(cfg.Denylist, key) || (cfg.Allowlist != nil && !slices.Contains(*cfg.Allowlist, key)) {
			return nativeFail("env key blocked by policy")
		}
		a := nativeAnswer{anchorType: "env", anchorValue: key}
		v, err := grant.Get(key, lookup)
		var ce *capability.Error
		switch {
		case errors.As(err, &ce) && ce.Status == abi.StatusNotFound:
		case err != nil:
			return nativeFail("env key blocked by policy")
		case len(v) > cfg.MaxValueBytes:
			return nativeFail("env value exceeds limit")
		default:
			a.value, _ = json.Marshal(v)
			a.contentType = "text/plain"
		}
		return a
	}
}

// nativeTimeAfter is the time built-in's after check for a unix-millis
// trigger time and an integer threshold.
func nativeTimeAfter(r nativeRequest) nativeAnswer {
	if r.params == nil {
		return nativeFail("time check requires params")
	}
	var params struct {
		Timestamp *json.Number `json:"timestamp"`
	}
	if err := json.Unmarshal(r.params, &params); err != nil {
		return nativeFail("time params must be an object")
	}
	if params.Timestamp == nil {
		return nativeFail("missing timestamp param")
	}
	threshold, err := params.Timestamp.Int64()
	if err != nil {
		return nativeFail("invalid numeric timestamp")
	}
	if r.timeKind != abi.TimeUnixMillis {
		return nativeFail("unsupported trigger time kind")
	}
	millis := int64(r.timeValue)
	return nativeAnswer{value: strconv.AppendBool(nil, millis > threshold), contentType: "application/json",
		anchorType: "trigger_time_unix_millis", anchorValue: strconv.FormatInt(millis, 10)}
}

// BenchmarkBuiltinCompile compiles the env built-in (3.4 MB Go module):
// cold (a fresh in-memory cache each time), cache_hit (a new Runtime over a
// shared in-memory cache) and file_cache_hit (a new Cache over a filled
// directory, as a restarted server sees it). Each includes creating the
// runtime and linking WASI and the host module, as Load does.
func BenchmarkBuiltinCompile(b *testing.B) {
	ctx := context.Background()
	spec := builtinSpec(b, "env")
	h := &host{providerID: "env", grant: spec.Grant, lookupEnv: builtinOptions().LookupEnv, log: slog.New(slog.DiscardHandler)}
	limits := resolveLimits(Limits{}, trust.ManifestLimits{})
	compile := func(b *testing.B, c *Cache) {
		e, err := newEngine(ctx, spec.Module, h, limits, c, false, h.log)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.close(ctx); err != nil {
			b.Fatal(err)
		}
	}
	timed := func(b *testing.B, each func()) {
		var lat []time.Duration
		for b.Loop() {
			t0 := time.Now()
			each()
			lat = append(lat, time.Since(t0))
		}
		reportPercentiles(b, lat)
	}
	b.Run("cold", func(b *testing.B) {
		timed(b, func() {
			c, _ := NewCache("")
			compile(b, c)
			_ = c.Close(ctx)
		})
	})
	b.Run("cache_hit", func(b *testing.B) {
		c, _ := NewCache("")
		defer c.Close(ctx)
		compile(b, c)
		timed(b, func() { compile(b, c) })
	})
	b.Run("file_cache_hit", func(b *testing.B) {
		dir := b.TempDir() + "/cache"
		c, err := NewCache(dir)
		if err != nil {
			b.Fatal(err)
		}
		compile(b, c)
		_ = c.Close(ctx)
		timed(b, func() {
			c, err := NewCache(dir)
			if err != nil {
				b.Fatal(err)
			}
			compile(b, c)
			_ = c.Close(ctx)
		})
	})
}

// BenchmarkBuiltinLoad splits what server start does per built-in, over a
// filled compilation-cache directory (a restarted server):
//
//	verify            trust.VerifyModule (signature, digest, manifest)
//	compile_file_hit  NewCache on the directory + newEngine (runtime, cache-hit compile, link WASI and dg_pv1)
//	instantiate       one instance: InstantiateModule incl. _initialize (Go runtime init)
//	describe          pv_describe on a fresh instance (first call) + parseDescribe
//	load              the whole of Load (all the above plus the pool pre-warm,
//	                  default size min(GOMAXPROCS, 4)) and Close
//
// The server loads its four built-ins concurrently, so on 2 cores its
// start is about the sum of the per-module "load" times divided by 2.
func BenchmarkBuiltinLoad(b *testing.B) {
	ctx := context.Background()
	timed := func(b *testing.B, each func()) {
		b.Helper()
		var lat []time.Duration
		for b.Loop() {
			t0 := time.Now()
			each()
			lat = append(lat, time.Since(t0))
		}
		reportPercentiles(b, lat)
	}
	for _, name := range plugins.Names {
		spec := builtinSpec(b, name)
		opts := builtinOptions()
		dir := b.TempDir() + "/cache"
		c, err := NewCache(dir)
		if err != nil {
			b.Fatal(err)
		}
		opts.Cache = c
		ref := load(b, spec, opts) // fills the directory
		h := &host{providerID: name, grant: ref.Grant(), lookupEnv: opts.lookupEnv(), log: slog.New(slog.DiscardHandler)}
		newEng := func(b *testing.B, c *Cache) *engine {
			e, err := newEngine(ctx, spec.Module, h, ref.limits, c, false, h.log)
			if err != nil {
				b.Fatal(err)
			}
			return e
		}
		b.Run(name+"/verify", func(b *testing.B) {
			timed(b, func() {
				if _, err := trust.VerifyModule(trust.ModuleFiles{ModuleName: spec.ModuleName, ManifestName: spec.ManifestName,
					SignatureName: spec.SignatureName, Module: spec.Module, Manifest: spec.Manifest, Signature: spec.Signature},
					spec.TrustedKeys, false); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(name+"/compile_file_hit", func(b *testing.B) {
			timed(b, func() {
				c, err := NewCache(dir)
				if err != nil {
					b.Fatal(err)
				}
				_ = newEng(b, c).close(ctx)
				_ = c.Close(ctx)
			})
		})
		b.Run(name+"/instantiate", func(b *testing.B) {
			e := newEng(b, c)
			defer e.close(ctx)
			timed(b, func() {
				in, err := e.newInstance(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				in.close(ctx)
				b.StartTimer()
			})
		})
		b.Run(name+"/describe", func(b *testing.B) {
			e := newEng(b, c)
			defer e.close(ctx)
			var lat []time.Duration
			for b.Loop() {
				b.StopTimer()
				in, err := e.newInstance(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0 := time.Now()
				dctx, cancel := context.WithTimeout(ctx, e.limits.timeout())
				dctx, _ = withCallState(dctx)
				doc, err := in.runDescribe(dctx, abi.MaxDescribeBytes)
				cancel()
				if err == nil {
					_, err = parseDescribe(doc, ref.Manifest(), spec.Transport, "")
				}
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				in.close(ctx)
				b.StartTimer()
			}
			reportPercentiles(b, lat)
		})
		b.Run(name+"/load", func(b *testing.B) {
			timed(b, func() {
				c, err := NewCache(dir)
				if err != nil {
					b.Fatal(err)
				}
				o := builtinOptions()
				o.Cache = c
				m, err := Load(ctx, spec, o)
				if err != nil {
					b.Fatal(err)
				}
				_ = m.Close(ctx)
				_ = c.Close(ctx)
			})
		})
	}
}
