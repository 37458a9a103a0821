package wasm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// callState is the host side of one guest call (instantiation, describe or
// query): the result parked for result_take and the per-query counters. It
// travels in the call's context, so host functions need no lookup table.
type callState struct {
	hostCalls int    // env_get, fs_read and http_fetch calls so far
	logLines  int    // log calls so far
	parked    []byte // a host-call result that did not fit the guest's buffer
}

type callStateKey struct{}

func withCallState(ctx context.Context) (context.Context, *callState) {
	s := &callState{}
	return context.WithValue(ctx, callStateKey{}, s), s
}

func stateOf(ctx context.Context) *callState {
	if s, ok := ctx.Value(callStateKey{}).(*callState); ok {
		return s
	}
	return &callState{} // a call the host did not start: nothing to share
}

// host is what the host functions of one module close over: the effective
// grant, fixed at load, and where to log.
type host struct {
	providerID string
	grant      capability.Set
	lookupEnv  func(string) (string, bool)
	log        *slog.Logger
}

// outOfBounds is the panic value of a host function whose guest pointer
// leaves the guest's memory; wazero turns it into a trap.
type outOfBounds struct {
	fn       string
	ptr, len uint32
}

func (e outOfBounds) String() string {
	return fmt.Sprintf("%s: guest buffer [%d, +%d) is outside linear memory", e.fn, e.ptr, e.len)
}

// view returns the guest bytes [ptr, ptr+n), trapping when out of bounds.
// The slice aliases guest memory: copy what must outlive the call.
func view(mod api.Module, fn string, ptr, n uint32) []byte {
	b, ok := mod.Memory().Read(ptr, n)
	if !ok {
		panic(outOfBounds{fn, ptr, n})
	}
	return b
}

// answer delivers a host-call result: written when it fits out_cap, parked
// for result_take otherwise. It returns the result's length.
func answer(ctx context.Context, mod api.Module, fn string, out []byte, outPtr, outCap uint32) int32 {
	dst := view(mod, fn, outPtr, outCap)
	if len(out) > math.MaxInt32 {
		return int32(abi.StatusLimit)
	}
	if len(out) <= len(dst) {
		copy(dst, out)
		return int32(len(out))
	}
	stateOf(ctx).parked = out
	return int32(len(out))
}

// begin counts a side-effecting host call and clears any parked result.
// It returns false once the per-query budget is spent.
func begin(ctx context.Context) bool {
	s := stateOf(ctx)
	s.parked = nil
	s.hostCalls++
	return s.hostCalls <= abi.MaxHostCallsPerQuery
}

// status reports a capability outcome to the log and returns its code:
// denials at Warn, everything else at Debug.
func (h *host) status(ctx context.Context, fn string, err error) int32 {
	st := capability.StatusOf(err)
	lvl := slog.LevelDebug
	if st == abi.StatusDenied || st == abi.StatusOutsideRoot {
		lvl = slog.LevelWarn
	}
	h.log.Log(ctx, lvl, "capability refused", "provider_id", h.providerID, "function", fn,
		"status", st.String(), "detail", err.Error())
	return int32(st)
}

// jsonRequest reads and decodes a host-call request. Oversized requests
// answer LIMIT and malformed ones INVALID; nothing is read past the limit.
func jsonRequest(mod api.Module, fn string, ptr, n uint32, v any) abi.Status {
	if n > abi.MaxHostRequestBytes {
		view(mod, fn, ptr, n)
		return abi.StatusLimit
	}
	if err := json.Unmarshal(view(mod, fn, ptr, n), v); err != nil {
		return abi.StatusInvalid
	}
	return abi.StatusOK
}

// resultTake is result_take(out_ptr, out_cap) → i32: the parked result's
// length, written when it fits; NOT_FOUND when nothing is parked.
func resultTake(ctx context.Context, mod api.Module, stack []uint64) {
	outPtr, outCap := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	s := stateOf(ctx)
	dst := view(mod, abi.FuncResultTake, outPtr, outCap)
	switch {
	case s.parked == nil:
		stack[0] = api.EncodeI32(int32(abi.StatusNotFound))
	case len(s.parked) > len(dst):
		stack[0] = api.EncodeI32(int32(len(s.parked)))
	default:
		n := copy(dst, s.parked)
		s.parked = nil
		stack[0] = api.EncodeI32(int32(n))
	}
}

// instantiateHostModule links the dg_pv1 functions of the module's grant,
// and only those, into r. With linkAll every function is linked, each
// answering from the (possibly empty) grant; Inspect uses it to run
// pv_describe on a module whose grant is unknown.
func (h *host) instantiateHostModule(ctx context.Context, r wazero.Runtime, linkAll bool) error {
	fns := map[string]api.GoModuleFunc{
		abi.FuncResultTake: resultTake,
		abi.FuncLog:        h.logFn,
		abi.FuncClockNow:   h.clockNow,
		abi.FuncEnvGet:     h.envGet,
		abi.FuncFSRead:     h.fsRead,
		abi.FuncHTTPFetch:  h.httpFetch,
	}
	b := r.NewHostModuleBuilder(abi.ImportModule)
	for _, f := range abi.HostFuncs {
		if f.Capability != "" && !linkAll && !h.grant.Has(f.Capability) {
			continue
		}
		params, results := hostFuncTypes(f)
		b.NewFunctionBuilder().WithGoModuleFunction(fns[f.Name], params, results).Export(f.Name)
	}
	_, err := b.Instantiate(ctx)
	return err
}
