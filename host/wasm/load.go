package wasm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/trust"
)

// Load verifies, compiles and instantiates one provider module and returns
// it ready to serve queries. The steps, in order:
//
//  1. verify the manifest signature and the module digest (host/trust);
//  2. intersect the manifest's capability request with spec.Grant;
//  3. check the pv1 marker and required exports, and that every import is
//     a pv1 host function whose capability is granted — all before the
//     module is compiled;
//  4. compile through the shared Cache, check export and import signatures,
//     and link only the granted host functions;
//  5. instantiate one instance, call pv_describe, check it against the
//     manifest and build the contract;
//  6. pre-warm the pool.
//
// Usage:
//
//	grant, _ := capability.ParseGrant(grantJSON)
//	m, err := wasm.Load(ctx, wasm.LoadSpec{ModulePath: "junit.wasm", ManifestPath: "provider.json",
//		SignaturePath: "provider.json.sig", TrustedKeys: keys, Grant: grant}, &wasm.Options{Logger: log})
//	defer m.Close(ctx)
//
// # Errors
//
// errcode.SignatureInvalid (unsigned, tampered or wrongly signed; see
// trust.VerifyModule), errcode.ABIMismatch (no pv1 marker, an import pv1
// does not define, a wrong signature, a bad self-description),
// errcode.CapabilityDenied (an import whose capability is not granted,
// naming the capability), errcode.InvalidArgument (malformed manifest or
// module), errcode.NotFound (a file is missing), errcode.Internal.
func Load(ctx context.Context, spec LoadSpec, opts *Options) (*Module, error) {
	log := opts.logger()
	if err := readFiles(&spec); err != nil {
		return nil, err
	}
	op := "wasm: load " + spec.ModuleName
	v, err := trust.VerifyModule(trust.ModuleFiles{
		ModuleName: spec.ModuleName, ManifestName: spec.ManifestName, SignatureName: spec.SignatureName,
		Module: spec.Module, Manifest: spec.Manifest, Signature: spec.Signature,
	}, spec.TrustedKeys, spec.AllowUnsigned)
	if err != nil {
		return nil, errcode.Wrap(errcode.SignatureInvalid, op, err)
	}
	man := v.Manifest
	log = log.With("provider_id", man.Name)
	if v.Signer == nil {
		log.Warn("LOADING UNSIGNED PROVIDER MODULE: allow_unsigned is a development flag; its code and capability request are not verified",
			"module", spec.ModuleName)
	}
	req, err := capability.ParseRequest(man.Capabilities)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, op, fmt.Errorf("%s: %w", spec.ManifestName, err))
	}
	in := capability.Intersect(req, spec.Grant)
	for _, c := range in.Unrequested {
		log.Warn("operator grant ignored: the manifest does not request it", "capability", c)
	}
	for _, c := range in.Ungranted {
		log.Info("capability requested but not granted: not linked", "capability", c)
	}
	imports, exports, err := parseSections(spec.Module)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, op, fmt.Errorf("%s: %w", spec.ModuleName, err))
	}
	if err := checkExports(exports); err != nil {
		return nil, errcode.Wrap(errcode.ABIMismatch, op, err)
	}
	if err := checkImports(imports, req, in.Set); err != nil {
		return nil, errcode.Wrap(errcode.ABIMismatch, op, err)
	}
	limits := resolveLimits(spec.Limits, man.Limits)
	h := &host{providerID: man.Name, grant: in.Set, lookupEnv: opts.lookupEnv(), log: log}
	e, err := newEngine(ctx, spec.Module, h, limits, opts.cache(), false, log)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, op, err)
	}
	e.config = spec.Config
	if len(e.config) == 0 {
		e.config = []byte("{}")
	}
	m, err := start(ctx, e, spec, v, log)
	if err != nil {
		_ = e.close(ctx)
		return nil, errcode.Wrap(errcode.Internal, op, err)
	}
	log.Info("provider module loaded", "version", man.Version, "capabilities", in.Set.Names(),
		"pool_size", limits.PoolSize, "timeout_ms", limits.TimeoutMS, "signed", v.Signer != nil)
	return m, nil
}

// start runs pv_describe on a first instance, builds the contract, and
// fills the pool.
func start(ctx context.Context, e *engine, spec LoadSpec, v *trust.Verified, log *slog.Logger) (*Module, error) {
	first, err := e.newInstance(ctx)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, e.limits.timeout())
	defer cancel()
	dctx, _ = withCallState(dctx)
	doc, err := first.runDescribe(dctx, abi.MaxDescribeBytes)
	if err != nil {
		first.close(ctx)
		return nil, err
	}
	contract, err := parseDescribe(doc, v.Manifest, spec.Transport, spec.ServeAs)
	if err != nil {
		first.close(ctx)
		return nil, err
	}
	p, err := newPool(ctx, e.limits.PoolSize, first, e.newInstance, log)
	if err != nil {
		return nil, err
	}
	cfg := spec.Config
	if len(cfg) == 0 {
		cfg = json.RawMessage("{}")
	}
	return &Module{
		id: contract.ProviderID, contract: contract, verified: v,
		grant: e.host.grant, limits: e.limits, config: cfg,
		engine: e, pool: p, log: log,
	}, nil
}

// parseDescribe checks the self-description against the signed manifest
// and turns it into the provider contract, under the id serveAs when set.
func parseDescribe(doc []byte, man *trust.Manifest, transport provider.Transport, serveAs string) (*provider.Contract, error) {
	var d abi.Describe
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, errcode.New(errcode.ABIMismatch, "%s: not a describe document: %v", abi.ExportDescribe, err)
	}
	if err := d.Validate(); err != nil {
		return nil, errcode.Wrap(errcode.ABIMismatch, abi.ExportDescribe, err)
	}
	if d.ProviderID != man.Name {
		return nil, errcode.New(errcode.SignatureInvalid, "module describes itself as provider %q, but its manifest names %q", d.ProviderID, man.Name)
	}
	if d.Version != "" && d.Version != man.Version {
		return nil, errcode.New(errcode.SignatureInvalid, "module reports version %q, but its manifest says %q", d.Version, man.Version)
	}
	if transport == "" {
		transport = provider.MCP
	}
	if serveAs != "" {
		d.ProviderID = serveAs
	}
	raw, err := json.Marshal(d.Contract(string(transport)))
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, "encode contract", err)
	}
	c, err := provider.ParseContract(raw)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, abi.ExportDescribe, err)
	}
	return c, nil
}

// readFiles fills in bytes from paths and default names.
func readFiles(s *LoadSpec) error {
	read := func(data *[]byte, path, what string, optional bool) error {
		if *data != nil || path == "" {
			return nil
		}
		b, err := os.ReadFile(path)
		switch {
		case optional && errors.Is(err, fs.ErrNotExist):
			return nil
		case err != nil:
			return errcode.Wrap(errcode.NotFound, "wasm: load", fmt.Errorf("%s: %w", what, err))
		}
		*data = b
		return nil
	}
	if err := read(&s.Module, s.ModulePath, "module", false); err != nil {
		return err
	}
	if err := read(&s.Manifest, s.ManifestPath, "manifest", false); err != nil {
		return err
	}
	if err := read(&s.Signature, s.SignaturePath, "signature", true); err != nil {
		return err
	}
	name := func(n *string, path, def string) {
		switch {
		case *n != "":
		case path != "":
			*n = path
		default:
			*n = def
		}
	}
	name(&s.ModuleName, s.ModulePath, "module.wasm")
	name(&s.ManifestName, s.ManifestPath, "provider.json")
	name(&s.SignatureName, s.SignaturePath, s.ManifestName+".sig")
	if len(s.Module) == 0 {
		return errcode.New(errcode.InvalidArgument, "wasm: load %s: no module bytes", s.ModuleName)
	}
	return nil
}
