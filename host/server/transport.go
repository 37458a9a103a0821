package server

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/mcp"
)

// checkBind enforces the non-loopback rules: a bind that is not loopback
// needs the --allow-non-loopback opt-in, non-local auth, and TLS (native or
// terminated upstream); mTLS with native TLS needs a client CA that is
// required.
func checkBind(cfg *config.Config, allow bool) error {
	srv := cfg.Server
	if srv.Transport == config.TransportStdio {
		return nil
	}
	ap, err := netip.ParseAddrPort(srv.Bind)
	if err != nil {
		return fmt.Errorf("server.bind %q: %w", srv.Bind, err)
	}
	if ap.Addr().Unmap().IsLoopback() {
		return nil
	}
	switch {
	case !allow:
		return fmt.Errorf("server.bind %s is not a loopback address: pass --allow-non-loopback (or DECISION_GATE_ALLOW_NON_LOOPBACK=1) to expose the server", srv.Bind)
	case srv.Auth.Mode == config.AuthLocalOnly:
		return fmt.Errorf("server.bind %s is not loopback but server.auth.mode is local_only: configure bearer_token or mtls", srv.Bind)
	case srv.TLS == nil && srv.TLSTermination != config.TLSTerminationUpstream:
		return fmt.Errorf("server.bind %s is not loopback: configure [server.tls] or set server.tls_termination = \"upstream\" behind a TLS proxy", srv.Bind)
	case srv.Auth.Mode == config.AuthMTLS && srv.TLS != nil && (srv.TLS.ClientCAPath.String() == "" || !srv.TLS.RequireClientCert):
		return fmt.Errorf("server.auth.mode = mtls with native TLS needs server.tls.client_ca_path and require_client_cert = true")
	}
	return nil
}

// tlsConfig loads [server.tls]; nil means plain HTTP.
func tlsConfig(t *config.TLS) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(t.CertPath.String(), t.KeyPath.String())
	if err != nil {
		return nil, fmt.Errorf("server.tls: %w", err)
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	if ca := t.ClientCAPath.String(); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("server.tls.client_ca_path: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("server.tls.client_ca_path: no certificates in %s", ca)
		}
		c.ClientCAs = pool
		c.ClientAuth = tls.VerifyClientCertIfGiven
		if t.RequireClientCert {
			c.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	return c, nil
}

func (s *Server) auditSink() (*audit.Sink, error) {
	a := s.cfg.Server.Audit
	opts := &audit.Options{Now: s.opts.Now}
	if !a.Enabled {
		return audit.Disabled(), nil
	}
	if p := a.Path.String(); p != "" {
		sink, err := audit.Open(p, opts)
		if err != nil {
			return nil, fmt.Errorf("server.audit.path: %w", err)
		}
		s.onClose(sink.Close)
		return sink, nil
	}
	return audit.New(s.opts.Stderr, opts), nil
}

func (s *Server) transportOptions(sink *audit.Sink) mcp.TransportOptions {
	srv := s.cfg.Server
	ids := audit.NewIDGenerator()
	o := mcp.TransportOptions{
		MaxBodyBytes:          srv.MaxBodyBytes,
		Inflight:              mcp.NewInflight(int(srv.Limits.MaxInflight)),
		SanitizeCorrelationID: audit.SanitizeClientCorrelationID,
		NewCorrelationID:      ids.Next,
		Ready:                 func() error { return nil },
	}
	if rl := srv.Limits.RateLimit; rl != nil {
		o.RateLimiter = mcp.NewRateLimiter(int(rl.MaxRequests), time.Duration(rl.WindowMS)*time.Millisecond, int(rl.MaxEntries), s.opts.Now)
	}
	o.OnRequest = func(info *mcp.RequestInfo, out *mcp.Outcome, n int) {
		ev := &audit.MCPRequest{
			RequestID: out.RequestID, UnsafeClientCorrelationID: info.ClientCorrelationID,
			ServerCorrelationID: info.ServerCorrelationID, Transport: audit.Transport(info.Transport),
			Method: audit.Method(out.Method), Outcome: audit.OutcomeOK,
			RequestBytes: info.RequestBytes, ResponseBytes: n,
		}
		if info.PeerIP != "" {
			ip := info.PeerIP
			ev.PeerIP = &ip
		}
		if out.Tool != "" {
			t := out.Tool
			ev.Tool = &t
		}
		if out.Err != nil {
			code, kind := int64(out.Err.Code), out.Err.Kind()
			ev.Outcome, ev.ErrorCode, ev.ErrorKind = audit.OutcomeError, &code, &kind
		}
		if info.Header != nil {
			if sub := info.Header.Get(mcp.SubjectHeader); sub != "" {
				ev.ClientSubject = &sub
			}
		}
		if err := sink.Record(ev); err != nil {
			s.log.Error("audit write failed", "error", err)
		}
	}
	o.OnInvalidCorrelation = func(info *mcp.RequestInfo, _ string) {
		msg := "rejected invalid x-correlation-id header"
		corr := info.ServerCorrelationID
		sink.Record(&audit.Security{ServerCorrelationID: &corr, Kind: audit.SecurityKind("invalid_correlation_id"),
			Message: &msg, DevPermissive: s.cfg.DevPermissive(), NamespaceAuthority: string(s.cfg.Namespace.Authority.Mode)})
	}
	return o
}

// recordAuthz writes one mcp_tool_authz line.
func recordAuthz(l *audit.AuthzLog, d mcp.AuthDecision) {
	ev := audit.ToolAuthz{Decision: audit.Decision("deny"), Action: d.Action, Transport: audit.Transport(d.Transport),
		AuthMethod: audit.AuthMethod(d.Method)}
	if d.Allow {
		ev.Decision = audit.Decision("allow")
	}
	if d.Tool != "" {
		ev.Action = d.Tool
	}
	if d.PeerIP != "" {
		ip := d.PeerIP
		ev.PeerIP = &ip
	}
	if d.Subject != "" && d.Method != mcp.AuthBearer {
		sub := d.Subject
		ev.Subject = &sub
	}
	if d.TokenFingerprint != "" {
		if fp, err := audit.ParseFingerprint(d.TokenFingerprint); err == nil {
			ev.TokenFingerprint = fp
		}
	}
	if d.Reason != "" {
		r := d.Reason
		ev.Reason = &r
	}
	if d.Info != nil {
		ev.UnsafeClientCorrelationID = d.Info.ClientCorrelationID
		if d.Info.ServerCorrelationID != "" {
			c := d.Info.ServerCorrelationID
			ev.ServerCorrelationID = &c
		}
	}
	l.Record(ev)
}

// warn prints the security posture and dev-permissive warnings.
func (s *Server) warn(sink *audit.Sink) {
	cfg := s.cfg
	fmt.Fprintf(s.opts.Stderr, "decision-gate: INFO: security posture: transport=%s auth=%s bind=%s tls=%v min_lane=%s dev_permissive=%v\n",
		cfg.Server.Transport, cfg.Server.Auth.Mode, cfg.Server.Bind, cfg.Server.TLS != nil, cfg.Trust.MinLane, cfg.DevPermissive())
	if !cfg.DevPermissive() {
		return
	}
	if cfg.Dev.PermissiveWarn {
		fmt.Fprintln(s.opts.Stderr, "decision-gate: WARNING: dev-permissive mode is ON: asserted evidence satisfies gates for every provider except",
			cfg.Dev.PermissiveExemptProviders, "- never use it in production")
		if ttl := cfg.Dev.PermissiveTTLDays; ttl != nil && !cfg.Source.ModTime.IsZero() &&
			s.opts.Now().Sub(cfg.Source.ModTime) > time.Duration(*ttl)*24*time.Hour {
			fmt.Fprintf(s.opts.Stderr, "decision-gate: WARNING: dev-permissive config %s is older than permissive_ttl_days=%d; review it\n", cfg.Source.Path, *ttl)
		}
	}
	msg := "dev-permissive mode enabled"
	sink.Record(&audit.Security{Kind: audit.SecurityKind("dev_permissive_enabled"), Message: &msg, DevPermissive: true,
		NamespaceAuthority: string(cfg.Namespace.Authority.Mode)})
}
