package wasm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/tetratelabs/wazero/api"
)

// wasiModule is the import module of WASI preview 1, which every module may
// use (Go guests need it); it is configured with no files, no environment,
// no arguments and fake clocks.
const wasiModule = "wasi_snapshot_preview1"

// checkExports checks the export section: the pv1 marker first, so that a
// module built for another ABI version gets a clear message, then the
// other required exports.
func checkExports(exports []wasmExport) error {
	funcs := map[string]bool{}
	var markers []string
	for _, e := range exports {
		if e.Kind != kindFunc {
			continue
		}
		funcs[e.Name] = true
		if strings.HasPrefix(e.Name, "pv_abi_") {
			markers = append(markers, e.Name)
		}
	}
	if !funcs[abi.ExportABIMarker] {
		if len(markers) > 0 {
			return errcode.New(errcode.ABIMismatch, "module speaks %s; this host serves only %s (marker %s)",
				strings.Join(markers, ", "), abi.Version, abi.ExportABIMarker)
		}
		return errcode.New(errcode.ABIMismatch, "module has no %s export: it is not a %s provider module",
			abi.ExportABIMarker, abi.Version)
	}
	for _, name := range abi.RequiredExports {
		if !funcs[name] {
			return errcode.New(errcode.ABIMismatch, "module lacks the %s export that %s requires", name, abi.Version)
		}
	}
	return nil
}

// checkImports checks every import against the ABI and the module's
// effective grant, naming the capability a refused import needs.
func checkImports(imports []wasmImport, req capability.Request, grant capability.Set) error {
	for _, im := range imports {
		switch im.Module {
		case wasiModule:
			if im.Kind != kindFunc {
				return errcode.New(errcode.ABIMismatch, "module imports %s %s.%s; only functions may be imported", kindName(im.Kind), im.Module, im.Name)
			}
		case abi.ImportModule:
			if err := checkHostImport(im, req, grant); err != nil {
				return err
			}
		default:
			return errcode.New(errcode.ABIMismatch, "module imports %s.%s; a %s module may import only from %s and %s",
				im.Module, im.Name, abi.Version, abi.ImportModule, wasiModule)
		}
	}
	return nil
}

func checkHostImport(im wasmImport, req capability.Request, grant capability.Set) error {
	f, ok := abi.LookupHostFunc(im.Name)
	if !ok || im.Kind != kindFunc {
		return errcode.New(errcode.ABIMismatch, "module imports %s %s.%s, which %s does not define", kindName(im.Kind), im.Module, im.Name, abi.Version)
	}
	switch {
	case f.Capability == "" || grant.Has(f.Capability):
		return nil
	case !req.Has(f.Capability):
		return errcode.New(errcode.CapabilityDenied, "module imports %s.%s, which needs capability %s; its manifest does not request it",
			im.Module, im.Name, f.Capability)
	}
	return errcode.New(errcode.CapabilityDenied, "module imports %s.%s, which needs capability %s; the operator did not grant it",
		im.Module, im.Name, f.Capability)
}

// Signatures of the exports.
var exportSignatures = map[string]struct{ params, results []api.ValueType }{
	abi.ExportABIMarker:  {},
	abi.ExportInitialize: {},
	abi.ExportAlloc:      {[]api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	abi.ExportFree:       {[]api.ValueType{api.ValueTypeI32}, nil},
	abi.ExportDescribe:   {nil, []api.ValueType{api.ValueTypeI64}},
	abi.ExportQuery:      {[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}},
	abi.ExportFrames:     {},
	abi.ExportConfigure:  {[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
}

// checkSignatures checks the compiled module's pv1 exports and host
// imports against the ABI's signatures.
func checkSignatures(exports map[string]api.FunctionDefinition, imports []api.FunctionDefinition) error {
	for name, want := range exportSignatures {
		def, ok := exports[name]
		if !ok {
			continue // presence was checked before compiling; _initialize is optional
		}
		if !slices.Equal(def.ParamTypes(), want.params) || !slices.Equal(def.ResultTypes(), want.results) {
			return errcode.New(errcode.ABIMismatch, "export %s has signature %s, want %s",
				name, signature(def.ParamTypes(), def.ResultTypes()), signature(want.params, want.results))
		}
	}
	for _, def := range imports {
		mod, name, _ := def.Import()
		if mod != abi.ImportModule {
			continue
		}
		f, _ := abi.LookupHostFunc(name)
		params, results := hostFuncTypes(f)
		if !slices.Equal(def.ParamTypes(), params) || !slices.Equal(def.ResultTypes(), results) {
			return errcode.New(errcode.ABIMismatch, "import %s.%s has signature %s, want %s",
				mod, name, signature(def.ParamTypes(), def.ResultTypes()), signature(params, results))
		}
	}
	return nil
}

// hostFuncTypes returns the Wasm signature of a host function.
func hostFuncTypes(f abi.HostFunc) (params, results []api.ValueType) {
	for i := 0; i < f.Params; i++ {
		params = append(params, api.ValueTypeI32)
	}
	if f.ResultI64 {
		return params, []api.ValueType{api.ValueTypeI64}
	}
	return params, []api.ValueType{api.ValueTypeI32}
}

func signature(params, results []api.ValueType) string {
	name := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return "(" + strings.Join(s, ",") + ")"
	}
	return fmt.Sprintf("%s→%s", name(params), name(results))
}
