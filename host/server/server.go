package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/broker"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/mcp"
	"github.com/decision-gate/dgw/host/provenance"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/provpolicy"
)

// Options are the process-level inputs a config does not carry.
type Options struct {
	// Version is reported to MCP clients.
	Version string
	// AllowNonLoopback is the --allow-non-loopback opt-in.
	AllowNonLoopback bool
	// Stdin and Stdout carry the stdio transport; Stderr receives
	// warnings, authz lines and (by default) the audit log.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Logger receives operational logs; nil writes text to Stderr.
	Logger *slog.Logger
	// Now is the wall clock for audit timestamps; nil means time.Now.
	Now func() time.Time
}

// Server is a built Decision Gate server.
type Server struct {
	cfg    *config.Config
	opts   Options
	log    *slog.Logger
	engine *engine.Engine
	reg    *provider.Registry
	// source is the registry behind the provider policy: what the engine
	// and evidence_query query.
	source     provpolicy.Source
	policy     *provpolicy.Policy
	broker     *broker.Broker
	provenance *provenance.Recorder
	handler    *mcp.Handler
	topts      mcp.TransportOptions

	listener net.Listener
	httpSrv  *http.Server

	closers []func() error // in start order
	closed  atomic.Bool
	mu      sync.Mutex // guards listener
}

// New builds every component from cfg. On error, everything already built
// is closed.
func New(ctx context.Context, cfg *config.Config, opts Options) (_ *Server, err error) {
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(opts.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	s := &Server{cfg: cfg, opts: opts, log: opts.Logger}
	defer relaxGC()() // start-up allocates in a burst; see loadGCPercent
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if err := checkBind(cfg, opts.AllowNonLoopback); err != nil {
		return nil, err
	}
	sink, err := s.auditSink()
	if err != nil {
		return nil, err
	}
	mods, err := s.buildProviders(ctx)
	if err != nil {
		return nil, err
	}
	external, err := s.buildExternal(ctx)
	if err != nil {
		return nil, err
	}
	providers, err := s.registry(append(mods, external...))
	if err != nil {
		return nil, err
	}
	if err := s.governance(providers, s.health); err != nil {
		return nil, err
	}
	s.source = s.policy.Guard(s.reg)
	dispatch, err := dispatchPolicy(cfg)
	if err != nil {
		return nil, err
	}
	st, err := s.runStateStore()
	if err != nil {
		return nil, err
	}
	base := context.WithoutCancel(ctx)
	s.engine = engine.New(s.source, st.runs, &engine.Options{
		Trust:       trustPolicy(cfg),
		Anchors:     anchorRequirements(cfg),
		Dispatch:    dispatch,
		DefineCheck: withPolicy(s.policy, defineCheck(s.reg, cfg.Validation)),
		Provenance:  s.provenance.Record,
		OnDecision:  onDecision(sink),
		Logger:      s.log,
		Specs:       st.specs,
		BaseContext: func() context.Context { return base },
	})
	if err := s.restoreSpecs(ctx); err != nil {
		return nil, err
	}
	svcOpts, err := s.serviceOptions(ctx, sink)
	if err != nil {
		return nil, err
	}
	svc, err := mcp.NewService(svcOpts)
	if err != nil {
		return nil, err
	}
	authz := audit.NewAuthzLog(opts.Stderr)
	s.handler = mcp.NewHandler(svc, authOptions(cfg), func(d mcp.AuthDecision) { recordAuthz(authz, d) })
	s.topts = s.transportOptions(sink)
	s.warn(sink)
	return s, nil
}

// Engine returns the engine (for tests and embedding).
func (s *Server) Engine() *engine.Engine { return s.engine }

// Handler returns the MCP handler.
func (s *Server) Handler() *mcp.Handler { return s.handler }

// Addr returns the bound HTTP address once Serve is listening, or "".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Serve runs the configured transport. For HTTP and SSE it listens on
// server.bind and returns when ctx ends (after a graceful shutdown); for
// stdio it returns at end of input.
func (s *Server) Serve(ctx context.Context) error {
	std := s.handler.StandardServer("decision-gate", s.opts.Version, s.topts)
	if s.cfg.Server.Transport == config.TransportStdio {
		in, out := s.opts.Stdin, s.opts.Stdout
		if in == nil {
			in = os.Stdin
		}
		if out == nil {
			out = os.Stdout
		}
		return s.handler.ServeStdio(ctx, in, out, s.topts, std)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", s.handler.StandardHTTPHandler(std, "/mcp", s.topts))
	mux.Handle("/", s.handler.HTTPHandler(s.topts, s.cfg.Server.Transport == config.TransportSSE))
	tlsCfg, err := tlsConfig(s.cfg.Server.TLS)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Server.Bind)
	if err != nil {
		return fmt.Errorf("server.bind %s: %w", s.cfg.Server.Bind, err)
	}
	srv := &http.Server{Handler: mux, TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	s.mu.Lock()
	s.listener, s.httpSrv = ln, srv
	s.mu.Unlock()
	s.log.Info("serving", "transport", string(s.cfg.Server.Transport), "addr", ln.Addr().String(),
		"rpc", "/rpc", "mcp", "/mcp", "tls", tlsCfg != nil)
	errc := make(chan error, 1)
	go func() {
		if tlsCfg != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			return err
		}
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// Close stops every component in reverse start order. It is idempotent.
func (s *Server) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	return errors.Join(errs...)
}

func (s *Server) onClose(f func() error) { s.closers = append(s.closers, f) }
