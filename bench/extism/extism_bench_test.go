package extism

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/trust"
	"github.com/decision-gate/dgw/host/wasm"
	"github.com/decision-gate/dgw/plugins"
	extism "github.com/extism/go-sdk"
)

// Both hosts serve the same operator setup: the env grant host/server builds
// for the env built-in (allowlist narrowed to the benchmark's variables), the
// guest configs it passes, and a fixed environment.
const (
	envGrantDoc  = `{"env/v1/get":{"allowlist":["DEPLOY_ENV","UNSET","QUOTED"],"denylist":[],"max_key_bytes":255,"max_value_bytes":65536},"log/v1":{}}`
	envConfig    = `{"allowlist":null,"denylist":[],"max_key_bytes":255,"max_value_bytes":65536}`
	timeGrantDoc = `{"log/v1":{}}`
	timeConfig   = `{"allow_logical":true}`

	// timeoutMS is the per-call deadline on both sides: our default, and
	// Extism's manifest timeout_ms in the "timeout" variants.
	timeoutMS = wasm.DefaultTimeoutMS
)

var environment = map[string]string{"DEPLOY_ENV": "production", "SECRET": "hunter2", "QUOTED": "a\"b\\c\n"}

func lookupEnv(k string) (string, bool) { v, ok := environment[k]; return v, ok }

var evCtx = evidence.Context{
	TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: "scn", StageID: "stage", TriggerID: "trg",
	TriggerTime: evidence.AtMillis(1710000000000),
}

var (
	envGetQuery    = evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"DEPLOY_ENV"}`)}
	timeAfterQuery = evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{"timestamp":1700000000000}`)}
)

// extGuest is the Extism guest, built once by TestMain.
var (
	extGuest    []byte
	extGuestErr error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dgw-extism-guest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	extGuest, extGuestErr = buildGuest(dir)
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// buildGuest compiles testdata/extguest:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o extguest.wasm ./testdata/extguest
func buildGuest(dir string) ([]byte, error) {
	out := filepath.Join(dir, "extguest.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "./testdata/extguest")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build Extism guest: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

// ---- our side: the embedded built-ins through wasm.Load and Module.Query ----

// loadBuiltin loads a built-in the way host/server does (signed with the
// built-in key, the grant parsed by capability.ParseGrant, default limits:
// 2000 ms per call, CloseOnContextDone on).
func loadBuiltin(tb testing.TB, name string) *wasm.Module {
	tb.Helper()
	mod, manifest, sig, err := plugins.Module(name)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := trust.ParsePublicKey(plugins.PublicKey(), plugins.Names...)
	if err != nil {
		tb.Fatal(err)
	}
	grantDoc, config := timeGrantDoc, timeConfig
	if name == "env" {
		grantDoc, config = envGrantDoc, envConfig
	}
	grant, err := capability.ParseGrant([]byte(grantDoc))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := wasm.Load(context.Background(), wasm.LoadSpec{
		Module: mod, Manifest: manifest, Signature: sig,
		ModuleName: "builtin:" + name + "/" + name + ".wasm", ManifestName: "builtin:" + name + "/provider.json",
		SignatureName: "builtin:" + name + "/provider.json.sig",
		TrustedKeys:   []*trust.PublicKey{key}, Grant: grant, Config: json.RawMessage(config),
	}, &wasm.Options{LookupEnv: lookupEnv})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close(context.Background()) })
	if m.Limits().TimeoutMS != timeoutMS {
		tb.Fatalf("timeout %d ms, want the default %d", m.Limits().TimeoutMS, timeoutMS)
	}
	return m
}

// ---- the Extism side ----

// extProvider is the Extism guest with one warm plugin instance, used the
// way host/wasm uses its pool: take the instance, call, give it back.
type extProvider struct {
	compiled *extism.CompiledPlugin
	pool     chan *extism.Plugin
	config   json.RawMessage
	export   string
	frames   bool
}

// Wire forms of the Extism guest's exports (see testdata/extguest).
const (
	envelopeJSON = "json"  // pv1 JSON envelopes, config in every request
	binaryFrames = "frame" // pv1 binary frames, config once per instance
)

// newExtProvider compiles the guest with Extism's NewCompiledPlugin and
// makes one instance; timeoutMS 0 turns Extism's timeout (and with it
// CloseOnContextDone) off.
func newExtProvider(tb testing.TB, export, config, wire string, timeoutMS uint64) *extProvider {
	tb.Helper()
	if extGuestErr != nil {
		tb.Fatal(extGuestErr)
	}
	grant, err := capability.ParseGrant([]byte(envGrantDoc))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	manifest := extism.Manifest{Wasm: []extism.Wasm{extism.WasmData{Data: extGuest}}, Timeout: timeoutMS,
		Config: map[string]string{"provider_config": config}}
	if wire == binaryFrames {
		export += "_frame"
	}
	cp, err := extism.NewCompiledPlugin(ctx, manifest, extism.PluginConfig{EnableWasi: true},
		[]extism.HostFunction{envGetHostFunc(grant.Env)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cp.Close(ctx) })
	p, err := cp.Instance(ctx, extism.PluginInstanceConfig{})
	if err != nil {
		tb.Fatal(err)
	}
	e := &extProvider{compiled: cp, pool: make(chan *extism.Plugin, 1), config: json.RawMessage(config), export: export,
		frames: wire == binaryFrames}
	e.pool <- p
	return e
}

// envGetHostFunc is dg_env_get(key block) → value block, or a code: the
// same grant check host/wasm applies to env_get.
func envGetHostFunc(grant *capability.EnvGrant) extism.HostFunction {
	return extism.NewHostFunctionWithStack("dg_env_get",
		func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
			key, err := p.ReadString(stack[0])
			if err != nil {
				panic(err) // a bad block offset is a guest bug: trap
			}
			v, err := grant.Get(key, lookupEnv)
			var ce *capability.Error
			switch {
			case err == nil:
				offs, werr := p.WriteString(v)
				if werr != nil {
					panic(werr)
				}
				stack[0] = offs
			case errors.As(err, &ce) && ce.Status == abi.StatusNotFound:
				stack[0] = 0
			case errors.As(err, &ce) && ce.Status == abi.StatusDenied:
				stack[0] = math.MaxUint64
			case errors.As(err, &ce) && ce.Status == abi.StatusLimit:
				stack[0] = math.MaxUint64 - 1
			default:
				stack[0] = math.MaxUint64 - 2
			}
		},
		[]extism.ValueType{extism.ValueTypePTR}, []extism.ValueType{extism.ValueTypePTR})
}

// query does what Module.Query does around the guest call: encode the
// request (JSON envelope or frame), call under the caller's context (Extism
// adds its own timeout when configured), decode and check the answer.
func (e *extProvider) query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	input, err := e.encode(q, ec)
	if err != nil {
		return evidence.Result{}, err
	}
	var p *extism.Plugin
	select {
	case p = <-e.pool:
	case <-ctx.Done():
		return evidence.Result{}, ctx.Err()
	}
	rc, out, err := p.CallWithContext(ctx, e.export, input)
	e.pool <- p
	if err != nil || rc != 0 {
		return evidence.Result{}, fmt.Errorf("extism call %s: rc %d: %v", e.export, rc, err)
	}
	if e.frames {
		return decodeResultFrame(out)
	}
	return decodeResponse(out)
}

func (e *extProvider) encode(q evidence.Query, ec evidence.Context) ([]byte, error) {
	if e.frames {
		f := abi.QueryFrame{
			CheckID: []byte(q.CheckID), Params: evidence.NullToAbsent(q.Params),
			RunID: []byte(ec.RunID), ScenarioID: []byte(ec.ScenarioID), StageID: []byte(ec.StageID), TriggerID: []byte(ec.TriggerID),
			TenantID: uint64(ec.TenantID), NamespaceID: uint64(ec.NamespaceID),
			TimeKind: abi.TimeUnixMillis, TimeValue: uint64(ec.TriggerTime.Millis),
		}
		if ec.TriggerTime.Kind == evidence.Logical {
			f.TimeKind, f.TimeValue = abi.TimeLogical, ec.TriggerTime.Counter
		}
		if ec.CorrelationID != nil {
			f.CorrelationID = []byte(*ec.CorrelationID)
		}
		return abi.AppendQueryFrame(make([]byte, 0, 96+len(q.CheckID)+len(q.Params)+len(ec.RunID)+len(ec.ScenarioID)+len(ec.StageID)+len(ec.TriggerID)), &f), nil
	}
	return json.Marshal(abi.QueryRequest{
		CheckID: q.CheckID, Params: evidence.NullToAbsent(q.Params), Config: e.config,
		Context: abi.Context{
			TenantID: uint64(ec.TenantID), NamespaceID: uint64(ec.NamespaceID),
			RunID: ec.RunID, ScenarioID: ec.ScenarioID, StageID: ec.StageID, TriggerID: ec.TriggerID,
			TriggerTime:   abi.Timestamp{Kind: ec.TriggerTime.KindName(), Millis: ec.TriggerTime.Millis, Logical: ec.TriggerTime.Counter},
			CorrelationID: ec.CorrelationID,
		},
	})
}

// decodeResultFrame is host/wasm's result-frame check: every JSON field
// validated, lane verified.
func decodeResultFrame(out []byte) (evidence.Result, error) {
	f, err := abi.DecodeResultFrame(out)
	if err != nil {
		return evidence.Result{}, errors.New("malformed result frame")
	}
	if f.Failed {
		return evidence.Result{}, errors.New(capability.CutUTF8(f.ErrorMessage, abi.MaxGuestErrorBytes))
	}
	res := evidence.Result{Lane: evidence.Verified}
	if f.HasValue {
		if f.ValueIsBytes {
			res.Value = &evidence.Value{Kind: evidence.BytesValue, Bytes: append(evidence.ByteArray{}, f.Value...)}
		} else {
			if !json.Valid(f.Value) {
				return evidence.Result{}, errors.New("malformed evidence result: value is not valid JSON")
			}
			res.Value = evidence.JSONOf(append(json.RawMessage(nil), f.Value...))
		}
	}
	if f.HasError {
		res.Error = &evidence.ResultError{Code: string(f.ErrorCode), Message: string(f.ErrorMessage)}
		if f.ErrorDetails != nil {
			if !json.Valid(f.ErrorDetails) {
				return evidence.Result{}, errors.New("malformed evidence result: error details are not valid JSON")
			}
			res.Error.Details = append(json.RawMessage(nil), f.ErrorDetails...)
		}
	}
	if f.RefURI != nil {
		res.EvidenceRef = &evidence.Ref{URI: string(f.RefURI)}
	}
	if f.AnchorType != nil {
		res.EvidenceAnchor = &evidence.Anchor{AnchorType: string(f.AnchorType), AnchorValue: string(f.AnchorValue)}
	}
	if f.ContentType != nil {
		ct := string(f.ContentType)
		res.ContentType = &ct
	}
	return res, nil
}

// decodeResponse is host/wasm's response check: the envelope, then the
// evidence result, lane verified, no hash and no signature.
func decodeResponse(out []byte) (evidence.Result, error) {
	var env struct {
		OK     *bool              `json:"ok"`
		Result json.RawMessage    `json:"result"`
		Error  *abi.ResponseError `json:"error"`
	}
	if err := json.Unmarshal(out, &env); err != nil {
		return evidence.Result{}, fmt.Errorf("malformed response envelope: %v", err)
	}
	hasResult := len(env.Result) > 0 && !bytes.Equal(bytes.TrimSpace(env.Result), []byte("null"))
	switch {
	case env.OK == nil:
		return evidence.Result{}, errors.New("malformed response envelope: no ok field")
	case !*env.OK && env.Error != nil && !hasResult:
		return evidence.Result{}, errors.New(capability.CutUTF8([]byte(env.Error.Message), abi.MaxGuestErrorBytes))
	case !*env.OK || !hasResult || env.Error != nil:
		return evidence.Result{}, errors.New("malformed response envelope")
	}
	var res evidence.Result
	if err := json.Unmarshal(env.Result, &res); err != nil {
		return evidence.Result{}, fmt.Errorf("malformed evidence result: %v", err)
	}
	var lane struct {
		Lane *string `json:"lane"`
	}
	_ = json.Unmarshal(env.Result, &lane)
	switch {
	case lane.Lane == nil || *lane.Lane != abi.LaneVerified:
		return evidence.Result{}, errors.New("malformed evidence result: lane")
	case res.EvidenceHash != nil || res.Signature != nil:
		return evidence.Result{}, errors.New("malformed evidence result: hash or signature set")
	case res.Value != nil && res.Value.Kind == 0:
		return evidence.Result{}, errors.New("malformed evidence result: value has no kind")
	}
	return res, nil
}

// ---- equivalence ----

// TestEquivalent checks that both hosts answer alike (same value, anchor,
// content type; the same provider error text) before any timing is trusted.
func TestEquivalent(t *testing.T) {
	ctx := context.Background()
	ours := map[string]*wasm.Module{"env": loadBuiltin(t, "env"), "time": loadBuiltin(t, "time")}
	for _, v := range []struct {
		wire    string
		timeout uint64
	}{{envelopeJSON, timeoutMS}, {envelopeJSON, 0}, {binaryFrames, timeoutMS}, {binaryFrames, 0}} {
		timeout := v.timeout
		theirs := map[string]*extProvider{
			"env":  newExtProvider(t, "env_get", envConfig, v.wire, timeout),
			"time": newExtProvider(t, "time_after", timeConfig, v.wire, timeout),
		}
		cases := []struct {
			q      evidence.Query
			want   string // JSON value, "" for none
			errMsg string
		}{
			{q: envGetQuery, want: `"production"`},
			{q: evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"QUOTED"}`)}, want: `"a\"b\\c\n"`},
			{q: evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"DEPLOY_\u0045NV"}`)}, want: `"production"`},
			{q: evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"UNSET"}`)}},
			{q: evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":"SECRET"}`)}, errMsg: "env key blocked by policy"},
			{q: evidence.Query{ProviderID: "env", CheckID: "get", Params: []byte(`{"key":7}`)}, errMsg: "env key must be a string"},
			{q: evidence.Query{ProviderID: "env", CheckID: "get"}, errMsg: "env check requires params"},
			{q: timeAfterQuery, want: `true`},
			{q: evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{"timestamp":1720000000000}`)}, want: `false`},
			{q: evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{"timestamp":"2024-03-09T16:00:00Z"}`)}, want: `false`},
			{q: evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{"timestamp":"2024-03-09T15:59:59Z"}`)}, want: `true`},
			{q: evidence.Query{ProviderID: "time", CheckID: "after", Params: []byte(`{}`)}, errMsg: "missing timestamp param"},
		}
		for _, c := range cases {
			name := fmt.Sprintf("%s timeout=%d/%s.%s %s", v.wire, timeout, c.q.ProviderID, c.q.CheckID, c.q.Params)
			want, werr := ours[c.q.ProviderID].Query(ctx, c.q, evCtx)
			got, gerr := theirs[c.q.ProviderID].query(ctx, c.q, evCtx)
			if c.errMsg != "" {
				if werr == nil || gerr == nil || !bytes.HasSuffix([]byte(werr.Error()), []byte(": "+c.errMsg)) || gerr.Error() != c.errMsg {
					t.Errorf("%s: ours %v, Extism %v, want %q from both", name, werr, gerr, c.errMsg)
				}
				continue
			}
			if werr != nil || gerr != nil {
				t.Errorf("%s: ours %v, Extism %v", name, werr, gerr)
				continue
			}
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			if !bytes.Equal(wj, gj) {
				t.Errorf("%s:\nours   %s\nExtism %s", name, wj, gj)
			}
			if (c.want == "") != (want.Value == nil) || (want.Value != nil && string(want.Value.JSON) != c.want) {
				t.Errorf("%s: value %s, want %s", name, wj, c.want)
			}
		}
	}
}

// ---- benchmarks ----

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
	slices.Sort(lat)
	at := func(p int) float64 {
		return float64(lat[min(len(lat)-1, len(lat)*p/100)]) / float64(time.Microsecond)
	}
	b.ReportMetric(at(50), "p50-µs")
	b.ReportMetric(at(99), "p99-µs")
}

func wantValue(want string) func(evidence.Result, error) error {
	return func(res evidence.Result, err error) error {
		switch {
		case err != nil:
			return err
		case res.Value == nil || string(res.Value.JSON) != want:
			return fmt.Errorf("value %v, want %s", res.Value, want)
		}
		return nil
	}
}

// BenchmarkCall runs each check warm, one call at a time:
//
//	ours                    Module.Query on the embedded built-in (2000 ms deadline, CloseOnContextDone on)
//	extism_json_timeout     Extism go-sdk, JSON envelopes, timeout_ms 2000 (CloseOnContextDone on)
//	extism_json_notimeout   the same without a timeout (guest code cannot be interrupted)
//	extism_frame_timeout    Extism go-sdk, pv1 binary frames and config once per instance, timeout_ms 2000
//	extism_frame_notimeout  the same without a timeout
func BenchmarkCall(b *testing.B) {
	ctx := context.Background()
	checks := []struct {
		name, provider, export, config string
		q                              evidence.Query
		check                          func(evidence.Result, error) error
	}{
		{"env.get", "env", "env_get", envConfig, envGetQuery, wantValue(`"production"`)},
		{"time.after", "time", "time_after", timeConfig, timeAfterQuery, wantValue(`true`)},
	}
	for _, c := range checks {
		b.Run(c.name+"/ours", func(b *testing.B) {
			m := loadBuiltin(b, c.provider)
			timedLoop(b, func() error { return c.check(m.Query(ctx, c.q, evCtx)) })
		})
		for _, wire := range []string{envelopeJSON, binaryFrames} {
			for _, timeout := range []uint64{timeoutMS, 0} {
				name := c.name + "/extism_" + wire + "_timeout"
				if timeout == 0 {
					name = c.name + "/extism_" + wire + "_notimeout"
				}
				b.Run(name, func(b *testing.B) {
					e := newExtProvider(b, c.export, c.config, wire, timeout)
					timedLoop(b, func() error { return c.check(e.query(ctx, c.q, evCtx)) })
				})
			}
		}
	}
}
