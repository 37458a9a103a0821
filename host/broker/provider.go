package broker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/provider"
)

// Defaults for a hand-built config whose fields are zero; [config.Parse]
// always fills the effective values.
const (
	defaultRequestTimeoutMS = 10000
	defaultConnectTimeoutMS = 2000
	defaultStartupTimeoutMS = 5000
	defaultFailureThreshold = 5
	defaultOpenMS           = 30000
	defaultHalfOpenMax      = 1
	defaultMaxConcurrency   = 4
	defaultMaxResponseBytes = 1 << 20
)

// Provider is one governed external MCP provider (a type = "mcp"
// [[providers]] entry). It implements provider.Provider and
// provider.Describer: its contract comes from capabilities_path, and every
// query passes admission, the circuit breaker and the concurrency limiter
// before it reaches the backend (design broker.md §4.4).
//
// The backend is connected on first use and, for stdio, reconnected
// (respawned) after a failed call; the environment and the command_sha256
// pin are checked before every connection.
//
// A Provider is safe for concurrent use. Close it when done; Close is
// idempotent.
type Provider struct {
	name     string
	key      string // "providers[2] (deploys)", the config entry
	cfg      config.Provider
	em       config.ExternalMCP
	stdio    bool
	mcp      bool // protocol "mcp": initialize and tools/list
	required bool // preflight.required
	contract *provider.Contract

	log        *slog.Logger
	clock      Clock
	getenv     func(string) (string, bool)
	dialFn     func(mcpclient.Options) (Backend, error)
	resolver   Resolver
	configHash string

	requestTimeout time.Duration
	connectTimeout time.Duration
	startupTimeout time.Duration

	breaker *breaker
	limiter *limiter

	dialLock chan struct{} // a one-slot lock held while the live backend connects
	closed   atomic.Bool

	mu      sync.Mutex
	backend Backend          // guarded by mu; nil until connected, and after a stdio failure
	binPath string           // guarded by mu; the executable the live backend runs
	binStat os.FileInfo      // guarded by mu; its stat when last hashed; nil without a pin
	stderr  []byte           // guarded by mu; stderr tail of the last backend closed
	last    *PreflightReport // guarded by mu; the most recent preflight
}

// NewProvider builds the provider of the mcp entry p, which is
// providers[index] of the config, with the [external_mcp] defaults em. It
// loads and checks the contract; it does not connect and does not run
// preflight.
//
//	p, err := broker.NewProvider(2, cfg.Providers[2], cfg.ExternalMCP, &broker.Options{ConfigHash: h})
//	defer p.Close()
//	report := p.Preflight(ctx)
//
// # Errors
//
// An [*errcode.Error] with code invalid_argument when p is not an mcp
// entry or its contract does not load, naming the config key:
// "broker: providers[2] (deploys).capabilities_path: contract_invalid: …".
func NewProvider(index int, p config.Provider, em config.ExternalMCP, opts *Options) (*Provider, error) {
	key := fmt.Sprintf("providers[%d] (%s)", index, p.Name)
	if p.Type != config.ProviderMCP {
		return nil, errcode.New(errcode.InvalidArgument, "broker: %s: type is %q, not \"mcp\"", key, p.Type)
	}
	c, pr := loadContract(&p)
	if pr != nil {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Err: fmt.Errorf("broker: %s.%w", key, pr)}
	}
	stdio := len(p.Command) > 0
	if p.Protocol == "" {
		p.Protocol = config.ProtocolDGEvidence
	}
	concurrency := int(pick(p.MaxConcurrency, em.MaxConcurrency, defaultMaxConcurrency))
	if stdio {
		concurrency = 1
	}
	bc := p.CircuitBreaker
	pv := &Provider{
		name:       p.Name,
		key:        key,
		cfg:        p,
		em:         em,
		stdio:      stdio,
		mcp:        p.Protocol == config.ProtocolMCP,
		required:   p.Preflight.Required,
		contract:   c,
		log:        opts.logger(),
		clock:      opts.clock(),
		getenv:     opts.getenv(),
		dialFn:     opts.dial(),
		resolver:   opts.resolver(),
		configHash: opts.configHash(),

		requestTimeout: ms(pick(p.Timeouts.RequestTimeoutMS, defaultRequestTimeoutMS)),
		connectTimeout: ms(pick(p.Timeouts.ConnectTimeoutMS, defaultConnectTimeoutMS)),
		startupTimeout: ms(pick(p.Timeouts.StartupTimeoutMS, defaultStartupTimeoutMS)),

		limiter:  newLimiter(concurrency, int(p.MaxQueue)),
		dialLock: make(chan struct{}, 1),
	}
	onTransition := opts.onTransition()
	pv.breaker = newBreaker(
		int(pick(bc.FailureThreshold, em.CircuitBreaker.FailureThreshold, defaultFailureThreshold)),
		ms(pick(bc.OpenMS, em.CircuitBreaker.OpenMS, defaultOpenMS)),
		int(pick(bc.HalfOpenMax, em.CircuitBreaker.HalfOpenMax, defaultHalfOpenMax)),
		pv.clock,
		func(from, to State, at time.Time) {
			attrs := []any{"provider_id", pv.name, "from", string(from), "to", string(to)}
			if to == StateOpen {
				pv.log.Warn("breaker transition", attrs...)
			} else {
				pv.log.Info("breaker transition", attrs...)
			}
			if onTransition != nil {
				onTransition(Transition{Provider: pv.name, From: from, To: to, At: at})
			}
		},
	)
	return pv, nil
}

// ID returns the provider name.
func (p *Provider) ID() string { return p.name }

// Contract returns the contract loaded from capabilities_path.
func (p *Provider) Contract() *provider.Contract { return p.contract }

// Source returns "file": the contract comes from capabilities_path.
func (p *Provider) Source() string { return "file" }

// Optional reports the entry's optional flag (design broker.md §4.3.8).
func (p *Provider) Optional() bool { return p.cfg.Optional }

// PreflightRequired reports the entry's preflight.required flag.
func (p *Provider) PreflightRequired() bool { return p.required }

// StderrTail returns the end of the live stdio child's stderr or, when
// there is no live child, of the last one closed (a failed call, a failed
// connection or a preflight). It may hold anything the child wrote,
// secrets included: show it only to an operator (CLI or control channel),
// never in reports, logs or events.
func (p *Provider) StderrTail() []byte {
	p.mu.Lock()
	be, kept := p.backend, p.stderr
	p.mu.Unlock()
	if t, ok := be.(stderrTailer); ok {
		return t.StderrTail()
	}
	return kept
}

// closeBackend keeps be's stderr tail, then closes it.
func (p *Provider) closeBackend(be Backend) {
	if t, ok := be.(stderrTailer); ok {
		if tail := t.StderrTail(); len(tail) > 0 {
			p.mu.Lock()
			p.stderr = append([]byte(nil), tail...)
			p.mu.Unlock()
		}
	}
	_ = be.Close()
}

// Close closes the live backend (killing a stdio child). Later queries
// fail with provider_unavailable. Close is idempotent.
func (p *Provider) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return nil
	}
	p.mu.Lock()
	be := p.backend
	p.backend = nil
	p.mu.Unlock()
	if be != nil {
		return be.Close()
	}
	return nil
}

// clientOptions builds the client options for one connection. It is where
// the environment and the command_sha256 pin are checked, so every spawn
// is preceded by both checks. For a pinned stdio backend it also returns
// the executable's stat.
func (p *Provider) clientOptions() (mcpclient.Options, os.FileInfo, *problem) {
	o := mcpclient.Options{
		Name:             p.name,
		Protocol:         p.cfg.Protocol,
		StderrTailBytes:  int(p.em.StderrTailBytes),
		ConnectTimeout:   p.connectTimeout,
		RequestTimeout:   p.requestTimeout,
		StartupTimeout:   p.startupTimeout,
		MaxResponseBytes: pick(p.em.MaxResponseBytes, defaultMaxResponseBytes),
	}
	if p.stdio {
		env, pr := childEnv(&p.cfg, &p.em, p.getenv)
		if pr != nil {
			return o, nil, pr
		}
		path, stat, pr := resolveBinary(&p.cfg)
		if pr != nil {
			return o, nil, pr
		}
		o.Command = append([]string{path}, p.cfg.Command[1:]...)
		o.Env = env
		return o, stat, nil
	}
	if pr := checkRequiredEnv(&p.cfg, p.getenv); pr != nil {
		return o, nil, pr
	}
	tok, pr := bearerToken(&p.cfg, p.getenv)
	if pr != nil {
		return o, nil, pr
	}
	pol, err := egressPolicy(p.cfg, p.em)
	if err != nil {
		return o, nil, newProblem("config_invalid", "", "egress policy: %v", err)
	}
	o.URL, o.BearerToken, o.Egress = p.cfg.URL, tok, pol
	return o, nil, nil
}

// conn is a connected backend.
type conn struct {
	be      Backend
	info    mcpclient.Info
	binPath string      // stdio: the executable started
	binStat os.FileInfo // stdio with a pin: its stat when hashed
}

// connect checks the environment and the pin, dials a new backend and
// handshakes under ctx (which carries the startup deadline). The error is
// a *problem when the host refused before any traffic.
func (p *Provider) connect(ctx context.Context) (conn, error) {
	o, stat, pr := p.clientOptions()
	if pr != nil {
		return conn{}, pr
	}
	be, err := p.dialFn(o)
	if err != nil {
		return conn{}, err
	}
	info, err := be.Handshake(ctx)
	if err != nil {
		p.closeBackend(be)
		return conn{}, err
	}
	c := conn{be: be, info: info, binStat: stat}
	if len(o.Command) > 0 {
		c.binPath = o.Command[0]
	}
	return c, nil
}

// pick returns the first positive value, or 0.
func pick(vals ...int64) int64 {
	for _, v := range vals {
		if v > 0 {
			return v
		}
	}
	return 0
}

// ms converts milliseconds to a duration.
func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

var (
	_ provider.Provider  = (*Provider)(nil)
	_ provider.Describer = (*Provider)(nil)
)
