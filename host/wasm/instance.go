package wasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// instance is one instantiated module with its export handles. It serves
// one call at a time; the pool hands it out.
type instance struct {
	mod                          api.Module
	alloc, free, describe, query api.Function
	configure                    api.Function // nil unless the module takes its config once
	frames                       bool         // reuse inBuf; the module owns outputs
	inBuf, inCap                 uint32       // the reusable input buffer (frames only)
	stdout, stderr               *guestOutput
	calls                        int // completed queries, for recycling
}

// instantiateSlack is added to the call timeout to bound instantiation,
// which runs the guest's _initialize (about 10 ms for a Go guest).
const instantiateSlack = 5 * time.Second

// newInstance instantiates the compiled module: no preopened files, no
// environment, no arguments, crypto-random WASI randomness, capped
// stdout/stderr, and fake clocks unless clock/v1 is granted.
func (e *engine) newInstance(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, e.limits.timeout()+instantiateSlack)
	defer cancel()
	ctx, _ = withCallState(ctx)
	in := &instance{
		stdout: newGuestOutput(e.log, e.host.providerID, "stdout"),
		stderr: newGuestOutput(e.log, e.host.providerID, "stderr"),
	}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(abi.ExportInitialize).
		WithStdout(in.stdout).
		WithStderr(in.stderr).
		WithRandSource(rand.Reader)
	if e.host.grant.Clock != nil {
		cfg = cfg.WithSysWalltime().WithSysNanotime()
	}
	mod, err := e.runtime.InstantiateModule(ctx, e.compiled, cfg)
	if err != nil {
		return nil, guestError(ctx, "instantiate", err)
	}
	in.mod = mod
	in.alloc = mod.ExportedFunction(abi.ExportAlloc)
	in.free = mod.ExportedFunction(abi.ExportFree)
	in.describe = mod.ExportedFunction(abi.ExportDescribe)
	in.query = mod.ExportedFunction(abi.ExportQuery)
	if e.frames {
		ptr, err := in.write(ctx, make([]byte, e.limits.MaxInputBytes))
		if err != nil {
			in.close(context.Background())
			return nil, err
		}
		in.frames, in.inBuf, in.inCap = true, ptr, uint32(e.limits.MaxInputBytes)
	}
	if e.configure {
		in.configure = mod.ExportedFunction(abi.ExportConfigure)
		if err := in.runConfigure(ctx, e.config); err != nil {
			in.close(context.Background())
			return nil, err
		}
	}
	return in, nil
}

// runConfigure hands the operator config to a fresh instance.
func (in *instance) runConfigure(ctx context.Context, cfg []byte) error {
	ptr, err := in.write(ctx, cfg)
	if err != nil {
		return err
	}
	res, err := in.configure.Call(ctx, uint64(ptr), uint64(len(cfg)))
	if err != nil {
		return guestError(ctx, abi.ExportConfigure, err)
	}
	if st := int32(api.DecodeI32(res[0])); st != 0 {
		return errcode.New(errcode.InvalidArgument, "%s refused the provider config (status %d)", abi.ExportConfigure, st)
	}
	if _, err := in.free.Call(ctx, uint64(ptr)); err != nil {
		return guestError(ctx, abi.ExportFree, err)
	}
	return nil
}

// write copies b into a fresh guest buffer from pv_alloc.
func (in *instance) write(ctx context.Context, b []byte) (uint32, error) {
	res, err := in.alloc.Call(ctx, uint64(len(b)))
	if err != nil {
		return 0, guestError(ctx, abi.ExportAlloc, err)
	}
	ptr := api.DecodeU32(res[0])
	if ptr == 0 {
		return 0, errcode.New(errcode.Internal, "%s(%d) returned 0", abi.ExportAlloc, len(b))
	}
	if !in.mod.Memory().Write(ptr, b) {
		return 0, errcode.New(errcode.Internal, "%s returned %d, outside linear memory", abi.ExportAlloc, ptr)
	}
	return ptr, nil
}

// close releases the instance; ctx only bounds the close itself.
func (in *instance) close(ctx context.Context) { _ = in.mod.Close(ctx) }

// runDescribe calls pv_describe and returns a copy of the document.
func (in *instance) runDescribe(ctx context.Context, maxOut int) ([]byte, error) {
	res, err := in.describe.Call(ctx)
	if err != nil {
		return nil, guestError(ctx, abi.ExportDescribe, err)
	}
	return in.takeOutput(ctx, abi.ExportDescribe, res[0], maxOut)
}

// runQuery writes input into guest memory, calls pv_query, and returns a
// copy of the response. Any error means the instance must be discarded.
func (in *instance) runQuery(ctx context.Context, input []byte, maxOut int) ([]byte, error) {
	if in.frames && uint32(len(input)) <= in.inCap {
		return in.runFrame(ctx, input, maxOut)
	}
	ptr, err := in.write(ctx, input)
	if err != nil {
		return nil, err
	}
	res, err := in.query.Call(ctx, uint64(ptr), uint64(len(input)))
	if err != nil {
		return nil, guestError(ctx, abi.ExportQuery, err)
	}
	out, err := in.takeOutput(ctx, abi.ExportQuery, res[0], maxOut)
	if err != nil {
		return nil, err
	}
	if _, err := in.free.Call(ctx, uint64(ptr)); err != nil {
		return nil, guestError(ctx, abi.ExportFree, err)
	}
	in.calls++
	return out, nil
}

// runFrame runs a framed query in the instance's reusable input buffer;
// the output stays the module's, so nothing is freed.
func (in *instance) runFrame(ctx context.Context, input []byte, maxOut int) ([]byte, error) {
	mem := in.mod.Memory()
	if !mem.Write(in.inBuf, input) {
		return nil, errcode.New(errcode.Internal, "input buffer %d is outside linear memory", in.inBuf)
	}
	res, err := in.query.Call(ctx, uint64(in.inBuf), uint64(len(input)))
	if err != nil {
		return nil, guestError(ctx, abi.ExportQuery, err)
	}
	if res[0] == 0 {
		return nil, errcode.New(errcode.Internal, "%s returned 0 (a fatal module error)", abi.ExportQuery)
	}
	ptr, n := abi.Unpack(res[0])
	if int64(n) > int64(maxOut) {
		return nil, errcode.New(errcode.ResourceExhausted, "%s output is %d bytes, over the %d-byte limit", abi.ExportQuery, n, maxOut)
	}
	b, ok := mem.Read(ptr, n)
	if !ok {
		return nil, errcode.New(errcode.Internal, "%s output [%d, +%d) is outside linear memory", abi.ExportQuery, ptr, n)
	}
	in.calls++
	return append([]byte(nil), b...), nil
}

// takeOutput copies the buffer a packed result names and frees it.
func (in *instance) takeOutput(ctx context.Context, fn string, packed uint64, maxOut int) ([]byte, error) {
	if packed == 0 {
		return nil, errcode.New(errcode.Internal, "%s returned 0 (a fatal module error)", fn)
	}
	ptr, n := abi.Unpack(packed)
	if int64(n) > int64(maxOut) {
		return nil, errcode.New(errcode.ResourceExhausted, "%s output is %d bytes, over the %d-byte limit", fn, n, maxOut)
	}
	b, ok := in.mod.Memory().Read(ptr, n)
	if !ok {
		return nil, errcode.New(errcode.Internal, "%s output [%d, +%d) is outside linear memory", fn, ptr, n)
	}
	out := append([]byte(nil), b...)
	if _, err := in.free.Call(ctx, uint64(ptr)); err != nil {
		return nil, guestError(ctx, abi.ExportFree, err)
	}
	return out, nil
}

// guestError codes a failed guest call: the context's error when it is
// done (the instance was closed by its deadline), otherwise a trap.
func guestError(ctx context.Context, fn string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return errcode.Wrap(errcode.Of(cerr), fn, cerr)
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return errcode.New(errcode.Internal, "%s: module exited with code %d", fn, exit.ExitCode())
	}
	msg, _, _ := strings.Cut(err.Error(), "\n") // drop wazero's stack trace
	return &errcode.Error{Code: errcode.Internal, Op: fn, Err: fmt.Errorf("module trapped: %s", msg)}
}
