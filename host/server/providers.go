package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/trust"
	"github.com/decision-gate/dgw/host/wasm"
	"github.com/decision-gate/dgw/plugins"
)

// buildProviders loads every builtin and wasm [[providers]] entry as a
// Wasm module: the built-ins from the modules embedded in the binary
// (signed with the built-in key, which signs nothing else), third-party
// modules from their files (signed with an operator key). Each module is
// closed on shutdown. The mcp entries are the broker's.
func (s *Server) buildProviders(ctx context.Context) ([]provider.Provider, error) {
	cache, err := s.compileCache()
	if err != nil {
		return nil, err
	}
	opts := &wasm.Options{Logger: s.log, Cache: cache}
	operatorKeys, err := trustedKeys(s.cfg)
	if err != nil {
		return nil, err
	}
	builtinKey, err := trust.ParsePublicKey(plugins.PublicKey(), plugins.Names...)
	if err != nil {
		return nil, fmt.Errorf("built-in signing key: %w", err)
	}
	// Modules compile and pre-warm independently: load them concurrently,
	// keep config order, and close every loaded module if any fails.
	var specs []wasm.LoadSpec
	var index []int // config index of each spec
	for i, p := range s.cfg.Providers {
		if p.Type == config.ProviderMCP {
			continue // served by the broker
		}
		spec, err := loadSpec(s.cfg, p, builtinKey, operatorKeys)
		if err != nil {
			return nil, fmt.Errorf("providers[%d] (%s): %w", i, p.Name, err)
		}
		specs, index = append(specs, spec), append(index, i)
	}
	mods := make([]provider.Provider, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := wasm.Load(ctx, specs[i], opts)
			if err != nil {
				errs[i] = fmt.Errorf("providers[%d] (%s): %w", index[i], s.cfg.Providers[index[i]].Name, err)
				return
			}
			mods[i] = m
		}()
	}
	wg.Wait()
	for _, m := range mods {
		if m != nil {
			s.onClose(func() error { return m.(*wasm.Module).Close(context.Background()) })
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return mods, nil
}

// registry registers every provider, each behind its signature guard
// when its trust policy requires one, and compiles their contracts.
func (s *Server) registry(providers []provider.Provider) ([]provider.Provider, error) {
	guarded, err := s.guardSignatures(providers)
	if err != nil {
		return nil, err
	}
	reg, err := provider.NewRegistry(guarded...)
	if err != nil {
		return nil, err
	}
	if err := reg.CompileContracts(); err != nil {
		return nil, err
	}
	s.reg = reg
	return guarded, nil
}

// compileCache opens the persistent compilation cache ([wasm] cache_dir,
// default the user cache dir), or an in-memory one when disabled.
func (s *Server) compileCache() (*wasm.Cache, error) {
	if !s.cfg.Wasm.CompileCache {
		return wasm.NewCache("")
	}
	dir := s.cfg.Wasm.CacheDir.String()
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			s.log.Warn("no user cache directory: compiling providers without a persistent cache", "error", err)
			return wasm.NewCache("")
		}
		dir = filepath.Join(base, "decision-gate", "wazero")
	}
	c, err := wasm.NewCache(dir)
	if err != nil {
		return nil, fmt.Errorf("wasm.cache_dir: %w", err)
	}
	s.onClose(func() error { return c.Close(context.Background()) })
	return c, nil
}

func trustedKeys(cfg *config.Config) ([]*trust.PublicKey, error) {
	var keys []*trust.PublicKey
	for i, k := range cfg.Wasm.TrustedKeys {
		pk, err := trust.LoadPublicKey(k.Path.String(), k.Providers...)
		if err != nil {
			return nil, fmt.Errorf("wasm.trusted_keys[%d]: %w", i, err)
		}
		keys = append(keys, pk)
	}
	return keys, nil
}

// loadSpec turns one provider entry into a Wasm load specification.
func loadSpec(cfg *config.Config, p config.Provider, builtinKey *trust.PublicKey, operatorKeys []*trust.PublicKey) (wasm.LoadSpec, error) {
	spec, err := moduleSpec(cfg, p, builtinKey, operatorKeys)
	if err != nil {
		return spec, err
	}
	if h := spec.Grant.HTTP; h != nil {
		// One egress rule for Wasm http and MCP-over-HTTP.
		for _, c := range cfg.ExternalMCP.PrivateCIDRAllowlist {
			pfx, err := netip.ParsePrefix(c)
			if err != nil {
				return spec, fmt.Errorf("external_mcp.private_cidr_allowlist: %w", err)
			}
			h.PrivateCIDRs = append(h.PrivateCIDRs, pfx)
		}
		h.AllowPrivate = h.AllowPrivate || cfg.ExternalMCP.AllowPrivateNetworks
	}
	return spec, nil
}

// moduleSpec is loadSpec without the shared egress settings.
func moduleSpec(cfg *config.Config, p config.Provider, builtinKey *trust.PublicKey, operatorKeys []*trust.PublicKey) (wasm.LoadSpec, error) {
	limits := wasm.Limits{TimeoutMS: int(p.Limits.TimeoutMS), MemoryPages: uint32(p.Limits.MemoryPages),
		MaxInputBytes: int(p.Limits.MaxInputBytes), MaxOutputBytes: int(p.Limits.MaxOutputBytes),
		PoolSize: p.Limits.Pool(runtime.GOMAXPROCS(0))}
	if p.Type == config.ProviderWasm {
		grantDoc, err := json.Marshal(p.Grant)
		if err != nil {
			return wasm.LoadSpec{}, fmt.Errorf("config: %w", err)
		}
		grant, err := capability.ParseGrant(grantDoc)
		if err != nil {
			return wasm.LoadSpec{}, err
		}
		return wasm.LoadSpec{
			ModulePath: p.Module.String(), ManifestPath: p.Manifest.String(), SignaturePath: p.Signature.String(),
			TrustedKeys: operatorKeys, AllowUnsigned: cfg.Wasm.AllowUnsigned,
			Grant: grant, Config: grantDoc, Transport: provider.MCP, Limits: limits,
		}, nil
	}
	name := config.BuiltinModule(p.Name)
	mod, manifest, sig, err := plugins.Module(name)
	if err != nil {
		return wasm.LoadSpec{}, err
	}
	grant, guestConfig, err := builtinGrant(p)
	if err != nil {
		return wasm.LoadSpec{}, err
	}
	return wasm.LoadSpec{
		Module: mod, Manifest: manifest, Signature: sig,
		ModuleName:   "builtin:" + name + "/" + name + ".wasm",
		ManifestName: "builtin:" + name + "/provider.json", SignatureName: "builtin:" + name + "/provider.json.sig",
		TrustedKeys: []*trust.PublicKey{builtinKey}, Grant: grant, Config: guestConfig,
		Transport: provider.Builtin, Limits: limits, ServeAs: p.Name,
	}, nil
}

// builtinGrant maps a built-in's config block (or its defaults) onto the
// module's capability grant and the config the guest sees. Secrets such as
// env overrides stay host-side.
func builtinGrant(p config.Provider) (capability.Set, json.RawMessage, error) {
	var grant, guest map[string]any
	var token string // a bearer token the host sends for the module
	switch p.Name {
	case config.BuiltinTime:
		c := config.TimeConfig{AllowLogical: true}
		if p.Time != nil {
			c = *p.Time
		}
		guest = map[string]any{"allow_logical": c.AllowLogical}
		grant = map[string]any{}
	case config.BuiltinEnv:
		c := config.EnvConfig{Denylist: []string{}, MaxKeyBytes: 255, MaxValueBytes: 65536}
		if p.Env != nil {
			c = *p.Env
		}
		allow := c.Allowlist
		if allow == nil {
			allow = []string{capability.AnyName}
		}
		env := map[string]any{"allowlist": allow, "denylist": nonNil(c.Denylist),
			"max_key_bytes": c.MaxKeyBytes, "max_value_bytes": c.MaxValueBytes}
		if c.Overrides != nil {
			env["overrides"] = c.Overrides
		}
		grant = map[string]any{"env/v1/get": env}
		guest = map[string]any{"allowlist": c.Allowlist, "denylist": nonNil(c.Denylist),
			"max_key_bytes": c.MaxKeyBytes, "max_value_bytes": c.MaxValueBytes}
	case config.BuiltinJSON:
		if p.JSON == nil {
			return capability.Set{}, nil, fmt.Errorf("config: the json provider needs a config table with root and root_id")
		}
		c := *p.JSON
		grant = map[string]any{"fs/v1/read": map[string]any{"root": c.Root.String(), "max_bytes": c.MaxBytes}}
		guest = map[string]any{"root_id": c.RootID, "max_bytes": c.MaxBytes, "allow_yaml": c.AllowYAML}
	case config.BuiltinHTTP:
		c := config.HTTPConfig{TimeoutMS: 5000, MaxResponseBytes: 1 << 20, UserAgent: "decision-gate/0.1", HashAlgorithm: "sha256"}
		if p.HTTP != nil {
			c = *p.HTTP
		}
		hosts := c.AllowedHosts
		if hosts == nil {
			hosts = []string{"*"}
		}
		grant = map[string]any{"http/v1/fetch": map[string]any{"allow_http": c.AllowHTTP, "allow_private": c.AllowPrivateNetworks,
			"allowed_hosts": hosts, "max_response_bytes": c.MaxResponseBytes, "timeout_ms": c.TimeoutMS, "user_agent": c.UserAgent}}
		guest = map[string]any{"allow_http": c.AllowHTTP, "timeout_ms": c.TimeoutMS, "max_response_bytes": c.MaxResponseBytes,
			"allowed_hosts": c.AllowedHosts, "user_agent": c.UserAgent, "hash_algorithm": c.HashAlgorithm,
			"allow_private": c.AllowPrivateNetworks}
	case config.BuiltinAssetCore, config.BuiltinAssetCoreRead:
		if p.AssetCore == nil {
			return capability.Set{}, nil, fmt.Errorf("config: the assetcore provider needs a config table with base_url and namespace_id")
		}
		c := *p.AssetCore
		u, err := url.Parse(c.BaseURL)
		if err != nil {
			return capability.Set{}, nil, fmt.Errorf("config.base_url: %w", err)
		}
		// The module reaches exactly the configured deployment, which the
		// operator chose (scenario params never change the host), so a
		// private address is allowed. The token stays host-side.
		grant = map[string]any{"http/v1/fetch": map[string]any{"allowed_hosts": []string{u.Host}, "allow_http": u.Scheme == "http",
			"allow_private": true, "max_response_bytes": 1 << 20, "timeout_ms": fetchTimeout(p.Limits.TimeoutMS)}}
		guest = map[string]any{"base_url": c.BaseURL, "namespace_id": c.NamespaceID}
		token = c.AuthToken.Reveal()
	default:
		return capability.Set{}, nil, fmt.Errorf("no built-in provider named %q", p.Name)
	}
	grant["log/v1"] = map[string]any{}
	gdoc, err := json.Marshal(grant)
	if err != nil {
		return capability.Set{}, nil, err
	}
	set, err := capability.ParseGrant(gdoc)
	if err == nil && set.HTTP != nil {
		set.HTTP.BearerToken = token
	}
	if err != nil {
		return capability.Set{}, nil, err
	}
	cfgDoc, err := json.Marshal(guest)
	return set, cfgDoc, err
}

// fetchTimeout is the http fetch deadline of a module whose call deadline
// is callMS: below it, so a slow service is an in-band request failure
// rather than a killed call.
func fetchTimeout(callMS int64) int64 {
	if callMS <= 0 {
		callMS = 2000
	}
	return max(1, min(1500, callMS*3/4))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
