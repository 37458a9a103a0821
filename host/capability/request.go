package capability

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/abi"
)

// Request is what a module's manifest asks for: one entry per capability,
// nil where the capability is not requested. It is the ceiling of what the
// module can get; the operator's grant narrows it ([Intersect]).
type Request struct {
	Log   *struct{}      `json:"log/v1,omitempty"`
	Clock *struct{}      `json:"clock/v1,omitempty"`
	Env   *RequestedEnv  `json:"env/v1/get,omitempty"`
	FS    *RequestedFS   `json:"fs/v1/read,omitempty"`
	HTTP  *RequestedHTTP `json:"http/v1/fetch,omitempty"`
}

// RequestedEnv names the environment variables a module wants to read
// ([AnyName] for any the operator allows).
type RequestedEnv struct {
	Keys []string `json:"keys"`
}

// RequestedFS asks for file reads; MaxBytes (0: no ceiling) caps the
// operator's per-read limit.
type RequestedFS struct {
	MaxBytes int64 `json:"max_bytes,omitempty"`
}

// RequestedHTTP names the hosts a module wants to fetch from (host
// patterns, "*" for any the operator allows) and whether it needs cleartext
// http or private addresses at all.
type RequestedHTTP struct {
	Hosts        []string `json:"hosts"`
	AllowHTTP    bool     `json:"allow_http,omitempty"`
	AllowPrivate bool     `json:"allow_private,omitempty"`
}

// ParseRequest reads the "capabilities" object of a manifest, keyed by
// capability name like [ParseGrant]. Unknown capabilities and fields are
// errors, so that a manifest never asks for something the host would
// silently drop.
func ParseRequest(doc []byte) (Request, error) {
	var r Request
	if len(bytes.TrimSpace(doc)) == 0 {
		return r, nil
	}
	if err := strictDecode(doc, &r); err != nil {
		return Request{}, fmt.Errorf("capability: request: %w", err)
	}
	if r.HTTP != nil {
		if _, err := parsePatterns(r.HTTP.Hosts); err != nil {
			return Request{}, fmt.Errorf("capability: request %s: %w", abi.CapHTTPFetch, err)
		}
	}
	if r.FS != nil && r.FS.MaxBytes < 0 {
		return Request{}, fmt.Errorf("capability: request %s: max_bytes is negative", abi.CapFSRead)
	}
	return r, nil
}

// Has reports whether capability name is requested.
func (r Request) Has(name string) bool {
	switch name {
	case abi.CapLog:
		return r.Log != nil
	case abi.CapClock:
		return r.Clock != nil
	case abi.CapEnvGet:
		return r.Env != nil
	case abi.CapFSRead:
		return r.FS != nil
	case abi.CapHTTPFetch:
		return r.HTTP != nil
	}
	return false
}

// Names returns the requested capability names in catalogue order.
func (r Request) Names() []string {
	var out []string
	for _, n := range abi.Capabilities {
		if r.Has(n) {
			out = append(out, n)
		}
	}
	return out
}

// Intersection is the result of [Intersect].
type Intersection struct {
	Set         Set      // the effective grant
	Unrequested []string // granted by the operator but not requested: ignored
	Ungranted   []string // requested but not granted: not linked
}

// Intersect returns the effective grant of a module: each capability that
// is both requested and granted, with parameters narrowed to what both
// sides allow. Env names and HTTP hosts are intersected (a "*" on one side
// yields the other side's list); AllowHTTP and AllowPrivate need both
// sides; the per-read file cap is the smaller of the two. Everything else
// (roots, deny lists, overrides, timeouts, size caps) is the operator's.
// Neither input is modified.
func Intersect(req Request, grant Set) Intersection {
	var out Intersection
	for _, n := range abi.Capabilities {
		switch {
		case req.Has(n) && !grant.Has(n):
			out.Ungranted = append(out.Ungranted, n)
		case !req.Has(n) && grant.Has(n):
			out.Unrequested = append(out.Unrequested, n)
		}
	}
	s := &out.Set
	if req.Log != nil && grant.Log != nil {
		s.Log = grant.Log
	}
	if req.Clock != nil && grant.Clock != nil {
		s.Clock = grant.Clock
	}
	if req.Env != nil && grant.Env != nil {
		e := *grant.Env
		e.Allowlist = intersectNames(req.Env.Keys, grant.Env.Allowlist)
		e.Denylist = slices.Clone(grant.Env.Denylist)
		s.Env = &e
	}
	if req.FS != nil && grant.FS != nil {
		f := *grant.FS
		if req.FS.MaxBytes > 0 && req.FS.MaxBytes < f.maxBytes {
			f.maxBytes = req.FS.MaxBytes
		}
		s.FS = &f
	}
	if req.HTTP != nil && grant.HTTP != nil {
		h := *grant.HTTP
		wanted, _ := parsePatterns(req.HTTP.Hosts) // validated by ParseRequest
		h.Hosts = intersectPatterns(wanted, grant.HTTP.Hosts)
		h.AllowHTTP = req.HTTP.AllowHTTP && grant.HTTP.AllowHTTP
		h.AllowPrivate = req.HTTP.AllowPrivate && grant.HTTP.AllowPrivate
		s.HTTP = &h
	}
	return out
}
