package mcp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/netip"
	"slices"
	"strings"

	"github.com/decision-gate/dgw/host/errcode"
)

// AuthMode is [server.auth].mode.
type AuthMode string

// The auth modes.
const (
	LocalOnly   AuthMode = "local_only"
	BearerToken AuthMode = "bearer_token"
	MTLS        AuthMode = "mtls"
)

// maxAuthHeaderBytes caps the Authorization header.
const maxAuthHeaderBytes = 8 << 10

// SubjectHeader carries the client subject set by a TLS-terminating proxy.
const SubjectHeader = "x-decision-gate-client-subject"

// AuthOptions configures authentication and tool authorisation.
type AuthOptions struct {
	Mode AuthMode
	// TokenFingerprints are sha256 hex digests of the accepted bearer
	// tokens; the server never keeps a raw token.
	TokenFingerprints []string
	MTLSSubjects      []string
	// AllowedTools, when non-empty, limits tools/call (never tools/list).
	AllowedTools []string
	Principals   []PrincipalConfig
}

// Fingerprint returns the sha256 hex of a bearer token.
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AuthDecision is reported for every authorisation decision.
type AuthDecision struct {
	Allow            bool
	Action           string // "tools/list", "tools/call", …
	Tool             string
	Transport        string
	PeerIP           string
	Method           AuthMethod // "" when unauthenticated
	Subject          string
	TokenFingerprint string
	Reason           string
	Info             *RequestInfo
}

// authenticate identifies the caller and authorises the action.
func (h *Handler) authenticate(_ context.Context, info *RequestInfo, action, tool string) (*Principal, *Error) {
	p, reason, err := h.identify(info)
	d := AuthDecision{Action: action, Tool: tool, Transport: info.Transport, PeerIP: info.PeerIP, Info: info, Reason: reason}
	if p != nil {
		d.Method, d.Subject, d.TokenFingerprint = p.Method, p.ID, p.TokenFingerprint
	}
	if err == nil && action == "tools/call" && len(h.auth.AllowedTools) > 0 && !slices.Contains(h.auth.AllowedTools, tool) {
		err, d.Reason = rpcErr(CodeUnauthorized, "unauthorized"), "tool not authorized"
	}
	d.Allow = err == nil
	if h.onAuth != nil {
		h.onAuth(d)
	}
	return p, err
}

func (h *Handler) identify(info *RequestInfo) (*Principal, string, *Error) {
	unauth := rpcErr(CodeUnauthenticated, "unauthenticated")
	switch h.auth.Mode {
	case LocalOnly, "":
		if info.Transport == "stdio" {
			return h.principal("stdio", AuthLocal, ""), "local stdio", nil
		}
		if ip, err := netip.ParseAddr(info.PeerIP); err == nil && ip.Unmap().IsLoopback() {
			return h.principal("loopback", AuthLocal, ""), "loopback peer", nil
		}
		return nil, "local-only mode requires loopback access", unauth
	case BearerToken:
		raw := info.Header.Get("Authorization")
		if raw == "" {
			return nil, "missing bearer token", unauth
		}
		if len(raw) > maxAuthHeaderBytes {
			return nil, "authorization header too large", unauth
		}
		scheme, token, ok := strings.Cut(raw, " ")
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "bearer") || token == "" {
			return nil, "invalid authorization header", unauth
		}
		fp := Fingerprint(token)
		for _, want := range h.auth.TokenFingerprints {
			if subtle.ConstantTimeCompare([]byte(fp), []byte(want)) == 1 {
				return h.principal("token:"+fp, AuthBearer, fp), "bearer token", nil
			}
		}
		return nil, "unknown bearer token", unauth
	case MTLS:
		subject := strings.TrimSpace(info.Header.Get(SubjectHeader))
		if subject == "" {
			return nil, "missing client subject header", unauth
		}
		if !slices.Contains(h.auth.MTLSSubjects, subject) {
			return nil, "client subject not allowed", rpcErr(CodeUnauthorized, "unauthorized")
		}
		return h.principal(subject, AuthMTLS, ""), "mtls subject", nil
	}
	return nil, "unknown auth mode", errcodeInternal()
}

func errcodeInternal() *Error { return toWire(errcode.New(errcode.Internal, "unknown auth mode")) }

// principal builds a principal and attaches its configuration.
func (h *Handler) principal(id string, m AuthMethod, fp string) *Principal {
	p := &Principal{ID: id, Method: m, TokenFingerprint: fp}
	for i := range h.auth.Principals {
		if h.auth.Principals[i].Subject == id {
			p.Config = &h.auth.Principals[i]
			break
		}
	}
	return p
}
