//go:build wasip1

// Command extguest is the env and time built-ins' get and after checks
// written against the Extism kernel ABI instead of pv1, for the benchmark
// in the parent directory. Each check is exported twice:
//
//   - env_get, time_after: the pv1 JSON envelopes (abi.QueryRequest in,
//     abi.Response out, the operator config inside every request), the
//     usual way to pass structured data through Extism;
//   - env_get_frame, time_after_frame: pv1's binary frames (abi.QueryFrame
//     in, abi.ResultFrame out) with the config read once per instance from
//     the Extism manifest's config (config_get), as pv1 hands it over once
//     with pv_configure. With these, both guests do the same work and only
//     the ABI differs.
//
// Like the pv1 SDK, the guest raises the GC target to 800%.
//
// Extism's Go PDK is not on the module proxy, so the kernel functions are
// declared here by hand. Build:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o extguest.wasm ./testdata/extguest
package main

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/decision-gate/dgw/abi"
)

func init() { debug.SetGCPercent(800) }

// The Extism kernel (module extism:host/env). Memory blocks live in the
// kernel's own linear memory and are addressed by 64-bit offsets; the guest
// moves bytes in and out one u64 or u8 at a time.

//go:wasmimport extism:host/env input_length
func kInputLength() uint64

//go:wasmimport extism:host/env input_load_u64
func kInputLoadU64(offs uint64) uint64

//go:wasmimport extism:host/env input_load_u8
func kInputLoadU8(offs uint64) uint32

//go:wasmimport extism:host/env alloc
func kAlloc(n uint64) uint64

//go:wasmimport extism:host/env free
func kFree(offs uint64)

//go:wasmimport extism:host/env length
func kLength(offs uint64) uint64

//go:wasmimport extism:host/env load_u64
func kLoadU64(offs uint64) uint64

//go:wasmimport extism:host/env load_u8
func kLoadU8(offs uint64) uint32

//go:wasmimport extism:host/env store_u64
func kStoreU64(offs uint64, v uint64)

//go:wasmimport extism:host/env store_u8
func kStoreU8(offs uint64, v uint32)

//go:wasmimport extism:host/env output_set
func kOutputSet(offs uint64, n uint64)

//go:wasmimport extism:host/env config_get
func kConfigGet(keyOffs uint64) uint64

// dgEnvGet is the benchmark host's env lookup: the key is a kernel block;
// the answer is a kernel block holding the value, or one of the codes below.
//
//go:wasmimport extism:host/user dg_env_get
func dgEnvGet(keyOffs uint64) uint64

// Answers of dg_env_get that are not a block offset.
const (
	envNotFound = 0
	envDenied   = math.MaxUint64
	envLimit    = math.MaxUint64 - 1
	envFailed   = math.MaxUint64 - 2
)

// configKey names the operator config in the Extism manifest's config map.
const configKey = "provider_config"

// ---- moving bytes through the kernel ----

// input copies the call's input out of the kernel.
func input() []byte {
	n := kInputLength()
	buf := make([]byte, n)
	var i uint64
	for ; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], kInputLoadU64(i))
	}
	for ; i < n; i++ {
		buf[i] = byte(kInputLoadU8(i))
	}
	return buf
}

// readBlock copies a kernel block into guest memory.
func readBlock(offs uint64) []byte {
	n := kLength(offs)
	buf := make([]byte, n)
	var i uint64
	for ; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], kLoadU64(offs+i))
	}
	for ; i < n; i++ {
		buf[i] = byte(kLoadU8(offs + i))
	}
	return buf
}

// writeBlock copies b into a new kernel block.
func writeBlock(b []byte) uint64 {
	offs := kAlloc(uint64(len(b)))
	i := 0
	for ; i+8 <= len(b); i += 8 {
		kStoreU64(offs+uint64(i), binary.LittleEndian.Uint64(b[i:]))
	}
	for ; i < len(b); i++ {
		kStoreU8(offs+uint64(i), uint32(b[i]))
	}
	return offs
}

// setOutput makes b the call's output.
func setOutput(b []byte) int32 {
	kOutputSet(writeBlock(b), uint64(len(b)))
	return 0
}

// operatorConfig reads the config from the manifest once per instance.
var (
	operatorConfigRaw  []byte
	operatorConfigDone bool
)

func operatorConfig() []byte {
	if !operatorConfigDone {
		k := writeBlock([]byte(configKey))
		v := kConfigGet(k)
		kFree(k)
		operatorConfigRaw = []byte("{}")
		if v != 0 {
			operatorConfigRaw = readBlock(v)
			kFree(v)
		}
		operatorConfigDone = true
	}
	return operatorConfigRaw
}

// ---- the checks, independent of the wire form ----

// request is what a check reads.
type request struct {
	params    []byte // nil: absent
	config    []byte
	timeKind  uint8 // abi.TimeUnixMillis or abi.TimeLogical
	timeValue uint64
}

// answer is what a check returns: a provider failure, or a result (value
// nil: value null).
type answer struct {
	failed                               bool
	message                              string
	value                                []byte
	anchorType, anchorValue, contentType string
}

func failed(msg string) answer { return answer{failed: true, message: msg} }

type envConfig struct {
	Allowlist     *[]string `json:"allowlist"`
	Denylist      []string  `json:"denylist"`
	MaxKeyBytes   int       `json:"max_key_bytes"`
	MaxValueBytes int       `json:"max_value_bytes"`
}

func parseEnvConfig(raw []byte) (envConfig, string) {
	cfg := envConfig{MaxKeyBytes: 255, MaxValueBytes: 65536}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return cfg, "invalid env provider config: " + err.Error()
		}
	}
	return cfg, ""
}

// envGet is the env built-in's get check: key policy and size limits from
// the operator config, then the host lookup (which applies the grant).
func envGet(r request, cfg envConfig) answer {
	if r.params == nil {
		return failed("env check requires params")
	}
	members, ok := parseObject(r.params)
	if !ok {
		return failed("env params must be an object")
	}
	m, found := lookup(members, "key")
	switch {
	case !found:
		return failed("missing env key")
	case m.kind != kindString:
		return failed("env key must be a string")
	}
	key := m.str
	if len(key) > cfg.MaxKeyBytes {
		return failed("env key exceeds limit")
	}
	if slices.Contains(cfg.Denylist, key) || (cfg.Allowlist != nil && !slices.Contains(*cfg.Allowlist, key)) {
		return failed("env key blocked by policy")
	}
	keyOffs := writeBlock([]byte(key))
	got := dgEnvGet(keyOffs)
	kFree(keyOffs)
	a := answer{anchorType: "env", anchorValue: key}
	switch got {
	case envNotFound:
		return a
	case envDenied:
		return failed("env key blocked by policy")
	case envLimit:
		return failed("env value exceeds limit")
	case envFailed:
		return failed("env lookup failed")
	}
	value := readBlock(got)
	kFree(got)
	if len(value) > cfg.MaxValueBytes {
		return failed("env value exceeds limit")
	}
	a.value, a.contentType = appendQuoted(nil, value), "text/plain"
	return a
}

type timeConfig struct {
	AllowLogical bool `json:"allow_logical"`
}

func parseTimeConfig(raw []byte) (timeConfig, string) {
	cfg := timeConfig{AllowLogical: true}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return cfg, "invalid time provider config: " + err.Error()
		}
	}
	return cfg, ""
}

// timeAfter is the time built-in's after check: is the trigger time
// strictly after params.timestamp (unix millis as an integer or an RFC 3339
// string; a logical counter as an unsigned integer)? No host call.
func timeAfter(r request, cfg timeConfig) answer {
	if r.params == nil {
		return failed("time check requires params")
	}
	members, ok := parseObject(r.params)
	if !ok {
		return failed("time params must be an object")
	}
	m, found := lookup(members, "timestamp")
	if !found {
		return failed("missing timestamp param")
	}
	var after bool
	var a answer
	switch r.timeKind {
	case abi.TimeUnixMillis:
		var threshold int64
		switch m.kind {
		case kindString:
			t, err := time.Parse(time.RFC3339Nano, m.str)
			if err != nil {
				return failed("invalid rfc3339 timestamp")
			}
			threshold = t.UnixMilli()
		case kindNumber:
			v, err := strconv.ParseInt(string(m.raw), 10, 64)
			if err != nil {
				return failed("invalid numeric timestamp")
			}
			threshold = v
		default:
			return failed("timestamp must be number or string")
		}
		millis := int64(r.timeValue)
		after = millis > threshold
		a.anchorType, a.anchorValue = "trigger_time_unix_millis", strconv.FormatInt(millis, 10)
	case abi.TimeLogical:
		if !cfg.AllowLogical {
			return failed("logical timestamps are not permitted")
		}
		if m.kind != kindNumber {
			return failed("logical timestamp must be numeric")
		}
		threshold, err := strconv.ParseUint(string(m.raw), 10, 64)
		if err != nil {
			return failed("logical timestamp must be unsigned")
		}
		after = r.timeValue > threshold
		a.anchorType, a.anchorValue = "trigger_time_logical", strconv.FormatUint(r.timeValue, 10)
	default:
		return failed("unsupported trigger time kind")
	}
	a.value, a.contentType = strconv.AppendBool(nil, after), "application/json"
	return a
}

// ---- JSON envelope exports ----

func fromEnvelope() (request, string) {
	var req abi.QueryRequest
	if err := json.Unmarshal(input(), &req); err != nil {
		return request{}, "bad query request: " + err.Error()
	}
	r := request{params: req.Params, config: req.Config, timeKind: abi.TimeUnixMillis, timeValue: uint64(req.Context.TriggerTime.Millis)}
	if req.Context.TriggerTime.Kind == abi.TimestampLogical {
		r.timeKind, r.timeValue = abi.TimeLogical, req.Context.TriggerTime.Logical
	}
	return r, ""
}

func toEnvelope(a answer) int32 {
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
		out = []byte(`{"ok":false,"error":{"code":"internal","message":"encode response"}}`)
	}
	return setOutput(out)
}

//go:wasmexport env_get
func envGetJSON() int32 {
	r, msg := fromEnvelope()
	if msg != "" {
		return toEnvelope(failed(msg))
	}
	cfg, msg := parseEnvConfig(r.config)
	if msg != "" {
		return toEnvelope(failed(msg))
	}
	return toEnvelope(envGet(r, cfg))
}

//go:wasmexport time_after
func timeAfterJSON() int32 {
	r, msg := fromEnvelope()
	if msg != "" {
		return toEnvelope(failed(msg))
	}
	cfg, msg := parseTimeConfig(r.config)
	if msg != "" {
		return toEnvelope(failed(msg))
	}
	return toEnvelope(timeAfter(r, cfg))
}

// ---- binary frame exports ----

func fromFrame() (request, bool) {
	q, err := abi.DecodeQueryFrame(input())
	if err != nil {
		return request{}, false
	}
	r := request{params: q.Params, config: q.Config, timeKind: q.TimeKind, timeValue: q.TimeValue}
	if string(r.params) == "null" {
		r.params = nil
	}
	if r.config == nil {
		r.config = operatorConfig()
	}
	return r, true
}

func toFrame(a answer) int32 {
	f := abi.ResultFrame{Failed: a.failed}
	if a.failed {
		f.ErrorCode, f.ErrorMessage = []byte(abi.ErrorCodeProvider), []byte(a.message)
	} else {
		f.HasValue, f.Value = a.value != nil, a.value
		f.AnchorType, f.AnchorValue = []byte(a.anchorType), []byte(a.anchorValue)
		if a.contentType != "" {
			f.ContentType = []byte(a.contentType)
		}
	}
	return setOutput(abi.AppendResultFrame(make([]byte, 0, 128), &f))
}

// The frame exports parse the operator config once per instance.
var (
	envCfg, timeCfg       any
	envCfgMsg, timeCfgMsg string
)

//go:wasmexport env_get_frame
func envGetFrame() int32 {
	r, ok := fromFrame()
	if !ok {
		return toFrame(failed("bad query frame"))
	}
	if envCfg == nil {
		envCfg, envCfgMsg = parseEnvConfig(r.config)
	}
	if envCfgMsg != "" {
		return toFrame(failed(envCfgMsg))
	}
	return toFrame(envGet(r, envCfg.(envConfig)))
}

//go:wasmexport time_after_frame
func timeAfterFrame() int32 {
	r, ok := fromFrame()
	if !ok {
		return toFrame(failed("bad query frame"))
	}
	if timeCfg == nil {
		timeCfg, timeCfgMsg = parseTimeConfig(r.config)
	}
	if timeCfgMsg != "" {
		return toFrame(failed(timeCfgMsg))
	}
	return toFrame(timeAfter(r, timeCfg.(timeConfig)))
}

// main is never called: the module is a reactor.
func main() {}
