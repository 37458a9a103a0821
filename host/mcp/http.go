package mcp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// TransportOptions configures the reference-dialect transports.
type TransportOptions struct {
	MaxBodyBytes int64 // default 1 MiB
	Inflight     *Inflight
	RateLimiter  *RateLimiter
	// SanitizeCorrelationID validates x-correlation-id; nil accepts any
	// non-empty value.
	SanitizeCorrelationID func(string) (string, error)
	// NewCorrelationID issues a server correlation id; required.
	NewCorrelationID func() string
	// OnRequest is called once per request after the response is built
	// (the mcp_request audit event).
	OnRequest func(info *RequestInfo, out *Outcome, responseBytes int)
	// OnInvalidCorrelation is called when a client correlation id is
	// rejected (the security_audit event).
	OnInvalidCorrelation func(info *RequestInfo, value string)
	// Ready reports readiness for /readyz; nil means always ready.
	Ready func() error
}

// HTTPHandler serves POST /rpc (JSON, or one SSE event when sse is true),
// GET /healthz and GET /readyz. Mount the standard MCP endpoint beside it.
func (h *Handler) HTTPHandler(opts TransportOptions, sse bool) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	transport := "http"
	if sse {
		transport = "sse"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if opts.Ready != nil && opts.Ready() != nil {
			writeJSON(w, http.StatusServiceUnavailable, []byte(`{"status":"not_ready"}`))
			return
		}
		writeJSON(w, http.StatusOK, []byte(`{"status":"ready"}`))
	})
	mux.HandleFunc("POST /rpc", func(w http.ResponseWriter, r *http.Request) {
		h.serveRPC(w, r, opts, transport)
	})
	return mux
}

func (h *Handler) serveRPC(w http.ResponseWriter, r *http.Request, opts TransportOptions, transport string) {
	info := &RequestInfo{Transport: transport, PeerIP: peerIP(r), Header: r.Header, ServerCorrelationID: opts.NewCorrelationID()}
	w.Header().Set("x-server-correlation-id", info.ServerCorrelationID)
	respond := func(body []byte, out *Outcome) {
		if out.Err != nil && out.Err.Code == CodeUnauthenticated && h.auth.Mode == BearerToken {
			w.Header().Set("WWW-Authenticate", `Bearer realm="decision-gate"`)
		}
		if transport == "sse" {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(out.Status)
			fmt.Fprintf(w, "data: %s\n\n", body)
		} else {
			writeJSON(w, out.Status, body)
		}
		if opts.OnRequest != nil {
			opts.OnRequest(info, out, len(body))
		}
	}
	if raw, ok := r.Header[http.CanonicalHeaderKey("x-correlation-id")]; ok && len(raw) > 0 {
		v := raw[0]
		clean, err := sanitizeCorrelation(opts, v)
		if err != nil {
			if opts.OnInvalidCorrelation != nil {
				opts.OnInvalidCorrelation(info, v)
			}
			e := rpcErr(CodeInvalidCorrelationID, "invalid correlation id")
			respond(errorResponse(nil, e), &Outcome{Method: "Invalid", Status: e.Status(), Err: e})
			return
		}
		info.ClientCorrelationID = &clean
		w.Header().Set("x-correlation-id", clean)
	}
	if !opts.Inflight.TryAcquire() {
		e := rpcErr(CodeInflightLimit, "server overloaded")
		respond(errorResponse(nil, e), &Outcome{Method: "Invalid", Status: e.Status(), Err: e})
		return
	}
	defer opts.Inflight.Release()
	if ok, retry, full := opts.RateLimiter.Allow(rateKey(r, info)); !ok {
		e := rpcErr(CodeRateLimited, "rate limit exceeded")
		if full {
			e = rpcErr(CodeInflightLimit, "rate limiter overloaded")
		} else {
			e.RetryAfterMS = &retry
		}
		respond(errorResponse(nil, e), &Outcome{Method: "Invalid", Status: e.Status(), Err: e})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, opts.MaxBodyBytes))
	info.RequestBytes = len(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		e := rpcErr(CodeInvalidRequest, "invalid json-rpc request")
		if errors.As(err, &tooBig) {
			e = rpcErr(CodeRequestTooLarge, "request body too large")
		}
		respond(errorResponse(nil, e), &Outcome{Method: "Invalid", Status: e.Status(), Err: e})
		return
	}
	resp, out := h.Handle(r.Context(), info, body)
	respond(resp, out)
}

func sanitizeCorrelation(opts TransportOptions, v string) (string, error) {
	if opts.SanitizeCorrelationID != nil {
		return opts.SanitizeCorrelationID(v)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", errors.New("empty correlation id")
	}
	return v, nil
}

// rateKey picks the limiter key: bearer token fingerprint, mTLS subject,
// peer IP, then transport.
func rateKey(r *http.Request, info *RequestInfo) string {
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "bearer") && strings.TrimSpace(tok) != "" {
		return "bearer:" + Fingerprint(strings.TrimSpace(tok))
	}
	if s := strings.TrimSpace(r.Header.Get(SubjectHeader)); s != "" {
		return "mtls:" + s
	}
	if info.PeerIP != "" {
		return "ip:" + info.PeerIP
	}
	return "transport:" + info.Transport
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	return host
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
