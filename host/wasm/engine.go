package wasm

import (
	"context"

	"github.com/decision-gate/dgw/abi"
	"log/slog"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// engine is one provider's wazero runtime: its own memory limit, WASI and
// dg_pv1 host modules, and the compiled module. Compiled code is shared
// with other runtimes through the Cache.
type engine struct {
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	host     *host
	limits   Limits
	log      *slog.Logger

	// frames is set when the module exports abi.ExportFrames: queries and
	// results then travel as binary frames. configure is set when it also
	// exports abi.ExportConfigure: each new instance gets config once and
	// frames omit it.
	frames, configure bool
	config            []byte
}

// newEngine compiles wasm in a fresh runtime and links the host modules.
// The caller has verified the module and checked its imports.
func newEngine(ctx context.Context, wasm []byte, h *host, limits Limits, cache *Cache, linkAll bool, log *slog.Logger) (*engine, error) {
	cfg := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(limits.MemoryPages).
		WithCompilationCache(cache.cc)
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	e := &engine{runtime: r, host: h, limits: limits, log: log}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		_ = r.Close(ctx)
		return nil, errcode.Wrap(errcode.InvalidArgument, "compile", err)
	}
	e.compiled = compiled
	exports := compiled.ExportedFunctions()
	_, e.frames = exports[abi.ExportFrames]
	_, e.configure = exports[abi.ExportConfigure]
	e.configure = e.configure && e.frames
	if err := checkSignatures(compiled.ExportedFunctions(), compiled.ImportedFunctions()); err != nil {
		_ = r.Close(ctx)
		return nil, err
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		_ = r.Close(ctx)
		return nil, errcode.Wrap(errcode.Internal, "link wasi", err)
	}
	if err := h.instantiateHostModule(ctx, r, linkAll); err != nil {
		_ = r.Close(ctx)
		return nil, errcode.Wrap(errcode.Internal, "link host functions", err)
	}
	return e, nil
}

// close releases the runtime and every instance in it.
func (e *engine) close(ctx context.Context) error { return e.runtime.Close(ctx) }
