package wasm

import (
	"encoding/json"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/trust"
)

// LoadSpec names one provider module and what the operator grants it.
type LoadSpec struct {
	// Module is the .wasm bytes; when nil, ModulePath is read.
	Module     []byte
	ModulePath string
	// Manifest is the provider manifest (provider.json); when nil,
	// ManifestPath is read.
	Manifest     []byte
	ManifestPath string
	// Signature is the detached signature over the manifest; when nil,
	// SignaturePath is read, and when that is empty or missing the module is
	// unsigned.
	Signature     []byte
	SignaturePath string
	// ModuleName, ManifestName and SignatureName name the files in error
	// messages ("builtin:env/env.wasm"); they default to the paths, or to
	// "module.wasm", "provider.json" and "provider.json.sig".
	ModuleName, ManifestName, SignatureName string

	// TrustedKeys are the operator's module-signing keys, with scopes.
	TrustedKeys []*trust.PublicKey
	// AllowUnsigned accepts a module without a signature (a development
	// flag; Load logs a warning). A signature that is present must verify.
	AllowUnsigned bool

	// Grant is the operator's grant. The module gets its intersection with
	// the manifest's capability request; parse it with capability.ParseGrant.
	Grant capability.Set
	// Config is the operator's config block for this provider, passed to
	// every query as-is; nil means {}.
	Config json.RawMessage
	// Transport is reported in the contract: provider.Builtin for modules
	// embedded in the server, provider.MCP (the default) otherwise.
	Transport provider.Transport
	// ServeAs, when set, is the provider id the module is served under
	// (its id and its contract's provider_id) instead of the signed
	// manifest name, which still decides which keys may sign it.
	ServeAs string
	// Limits are the operator's limits; a zero field falls back to the
	// manifest's request, then to the default.
	Limits Limits
}

// Limits bound one provider. A zero field means "not set".
type Limits struct {
	TimeoutMS           int    // per call; default 2000, at most 60000
	MemoryPages         uint32 // 64 KiB pages per instance; default 512 (32 MiB), at most 65536
	MaxInputBytes       int    // encoded query; default and maximum abi.MaxInputBytes
	MaxOutputBytes      int    // encoded response; default and maximum abi.MaxOutputBytes
	PoolSize            int    // warm instances; default min(GOMAXPROCS, 4), at most 64
	MaxCallsPerInstance int    // recycle an instance after this many calls; default 10000
}

// Default limits.
const (
	DefaultTimeoutMS           = 2000
	DefaultMemoryPages         = 512
	DefaultMaxCallsPerInstance = 10000
	maxTimeoutMS               = 60000
	maxMemoryPages             = 65536
	maxPoolSize                = 64
)

// resolveLimits applies operator values, then the manifest's request, then
// defaults, and clamps each to its maximum.
func resolveLimits(op Limits, m trust.ManifestLimits) Limits {
	pick := func(values ...int) int {
		for _, v := range values {
			if v > 0 {
				return v
			}
		}
		return 0
	}
	l := Limits{
		TimeoutMS:           pick(op.TimeoutMS, m.TimeoutMS, DefaultTimeoutMS),
		MemoryPages:         uint32(pick(int(op.MemoryPages), int(m.MemoryPages), DefaultMemoryPages)),
		MaxInputBytes:       pick(op.MaxInputBytes, m.MaxInputBytes, abi.MaxInputBytes),
		MaxOutputBytes:      pick(op.MaxOutputBytes, m.MaxOutputBytes, abi.MaxOutputBytes),
		PoolSize:            pick(op.PoolSize, m.PoolSize, min(runtime.GOMAXPROCS(0), 4)),
		MaxCallsPerInstance: pick(op.MaxCallsPerInstance, DefaultMaxCallsPerInstance),
	}
	l.TimeoutMS = min(l.TimeoutMS, maxTimeoutMS)
	l.MemoryPages = min(l.MemoryPages, maxMemoryPages)
	l.MaxInputBytes = min(l.MaxInputBytes, abi.MaxInputBytes)
	l.MaxOutputBytes = min(l.MaxOutputBytes, abi.MaxOutputBytes)
	l.PoolSize = min(l.PoolSize, maxPoolSize)
	return l
}

func (l Limits) timeout() time.Duration { return time.Duration(l.TimeoutMS) * time.Millisecond }

// Options configure loading. A nil *Options means the defaults.
type Options struct {
	// Logger receives lifecycle, denial and guest-output logs; nil discards.
	Logger *slog.Logger
	// Cache is the compilation cache shared by every module; nil means one
	// process-wide in-memory cache.
	Cache *Cache
	// LookupEnv reads the process environment for env/v1/get; nil means
	// os.LookupEnv. Tests inject a map.
	LookupEnv func(string) (string, bool)
}

func (o *Options) logger() *slog.Logger {
	if o == nil || o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o *Options) cache() *Cache {
	if o != nil && o.Cache != nil {
		return o.Cache
	}
	return defaultCache()
}

func (o *Options) lookupEnv() func(string) (string, bool) {
	if o == nil || o.LookupEnv == nil {
		return os.LookupEnv
	}
	return o.LookupEnv
}
