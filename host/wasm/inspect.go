package wasm

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/trust"
)

// Import is one function a module imports.
type Import struct {
	Module, Name string
	Capability   string // the pv1 capability it needs; "" for WASI and result_take
}

// Inspection describes a module without trusting it.
type Inspection struct {
	ABI          string        // abi.Version when the module has the pv1 marker
	Imports      []Import      // in import-section order
	Exports      []string      // function exports, sorted
	Capabilities []string      // capabilities the imports need, catalogue order
	Describe     *abi.Describe // the module's self-description
}

// Inspect lists a module's imports and exports and runs its pv_describe in
// a sandbox where every host function exists but every capability is
// denied. It does not verify a signature: use it on a module you are about
// to sign or have just verified, not to serve queries.
//
// # Errors
//
// errcode.InvalidArgument for bytes that are not a Wasm module,
// errcode.ABIMismatch when the module is not a pv1 provider, and the
// errors of a failed instantiation or describe call.
func Inspect(ctx context.Context, wasm []byte, opts *Options) (*Inspection, error) {
	const op = "wasm: inspect"
	imports, exports, err := parseSections(wasm)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, op, err)
	}
	ins := &Inspection{}
	needs := map[string]bool{}
	for _, im := range imports {
		i := Import{Module: im.Module, Name: im.Name}
		if f, ok := abi.LookupHostFunc(im.Name); ok && im.Module == abi.ImportModule {
			i.Capability = f.Capability
			needs[f.Capability] = f.Capability != ""
		}
		ins.Imports = append(ins.Imports, i)
	}
	for _, c := range abi.Capabilities {
		if needs[c] {
			ins.Capabilities = append(ins.Capabilities, c)
		}
	}
	for _, e := range exports {
		if e.Kind == kindFunc {
			ins.Exports = append(ins.Exports, e.Name)
		}
	}
	sort.Strings(ins.Exports)
	if err := checkExports(exports); err != nil {
		return ins, errcode.Wrap(errcode.ABIMismatch, op, err)
	}
	ins.ABI = abi.Version
	if err := checkImports(imports, capability.Request{}, allGranted()); err != nil {
		return ins, errcode.Wrap(errcode.ABIMismatch, op, err)
	}
	log := opts.logger()
	h := &host{providerID: "inspect", lookupEnv: func(string) (string, bool) { return "", false }, log: log}
	limits := resolveLimits(Limits{PoolSize: 1}, trust.ManifestLimits{})
	e, err := newEngine(ctx, wasm, h, limits, opts.cache(), true, log)
	if err != nil {
		return ins, errcode.Wrap(errcode.InvalidArgument, op, err)
	}
	defer e.close(ctx)
	in, err := e.newInstance(ctx)
	if err != nil {
		return ins, errcode.Wrap(errcode.Internal, op, err)
	}
	dctx, cancel := context.WithTimeout(ctx, limits.timeout())
	defer cancel()
	dctx, _ = withCallState(dctx)
	doc, err := in.runDescribe(dctx, abi.MaxDescribeBytes)
	if err != nil {
		return ins, errcode.Wrap(errcode.Internal, op, err)
	}
	var d abi.Describe
	if err := json.Unmarshal(doc, &d); err != nil {
		return ins, errcode.New(errcode.ABIMismatch, "%s: %s: not a describe document: %v", op, abi.ExportDescribe, err)
	}
	ins.Describe = &d
	return ins, nil
}

// allGranted is a Set that passes the import check for every capability;
// Inspect links every host function against an empty grant instead.
func allGranted() capability.Set {
	return capability.Set{
		Log: &capability.LogGrant{}, Clock: &capability.ClockGrant{}, Env: &capability.EnvGrant{},
		FS: &capability.FSGrant{}, HTTP: &capability.HTTPGrant{},
	}
}
