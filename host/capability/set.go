package capability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/decision-gate/dgw/abi"
)

// Set is the effective grant of one module: one grant per capability, nil
// where the capability is denied. The zero Set denies everything. A Set is a
// value; its grants are not modified after construction.
type Set struct {
	Log   *LogGrant
	Clock *ClockGrant
	Env   *EnvGrant
	FS    *FSGrant
	HTTP  *HTTPGrant
}

// Has reports whether capability name is granted.
func (s Set) Has(name string) bool {
	switch name {
	case abi.CapLog:
		return s.Log != nil
	case abi.CapClock:
		return s.Clock != nil
	case abi.CapEnvGet:
		return s.Env != nil
	case abi.CapFSRead:
		return s.FS != nil
	case abi.CapHTTPFetch:
		return s.HTTP != nil
	}
	return false
}

// Names returns the granted capability names in catalogue order.
func (s Set) Names() []string {
	var out []string
	for _, n := range abi.Capabilities {
		if s.Has(n) {
			out = append(out, n)
		}
	}
	return out
}

// grantDoc is the operator's grant document, keyed by capability name.
type grantDoc struct {
	Log   *LogGrant   `json:"log/v1"`
	Clock *ClockGrant `json:"clock/v1"`
	Env   *EnvGrant   `json:"env/v1/get"`
	FS    *struct {
		Root     string `json:"root"`
		MaxBytes int64  `json:"max_bytes"`
	} `json:"fs/v1/read"`
	HTTP *struct {
		AllowHTTP        bool     `json:"allow_http"`
		AllowPrivate     bool     `json:"allow_private"`
		AllowedHosts     []string `json:"allowed_hosts"`
		MaxResponseBytes int64    `json:"max_response_bytes"`
		TimeoutMS        int      `json:"timeout_ms"`
		UserAgent        string   `json:"user_agent"`
	} `json:"http/v1/fetch"`
}

// ParseGrant reads an operator grant: a JSON object keyed by capability
// name, each value holding that capability's parameters.
//
//	{
//	  "log/v1":        {"max_line_bytes": 4096, "max_lines": 100},
//	  "clock/v1":      {},
//	  "env/v1/get":    {"allowlist": ["DEPLOY_ENV"], "denylist": [], "max_key_bytes": 255,
//	                    "max_value_bytes": 65536, "overrides": {"DEPLOY_ENV": "prod"}},
//	  "fs/v1/read":    {"root": "/srv/reports", "max_bytes": 1048576},
//	  "http/v1/fetch": {"allowed_hosts": ["api.example.com", "*.example.org:8443"],
//	                    "allow_http": false, "allow_private": false,
//	                    "max_response_bytes": 1048576, "timeout_ms": 5000, "user_agent": "…"}
//	}
//
// Every key and field is optional; an unknown key or field is an error, and
// so are an fs root that is not an existing directory and a bad host
// pattern. An empty or null document grants nothing.
func ParseGrant(doc []byte) (Set, error) {
	var g grantDoc
	if len(bytes.TrimSpace(doc)) == 0 {
		return Set{}, nil
	}
	if err := strictDecode(doc, &g); err != nil {
		return Set{}, fmt.Errorf("capability: grant: %w", err)
	}
	s := Set{Log: g.Log, Clock: g.Clock, Env: g.Env}
	if g.FS != nil {
		fsg, err := NewFSGrant(g.FS.Root, g.FS.MaxBytes)
		if err != nil {
			return Set{}, fmt.Errorf("capability: grant %s: %w", abi.CapFSRead, err)
		}
		s.FS = fsg
	}
	if h := g.HTTP; h != nil {
		hosts, err := parsePatterns(h.AllowedHosts)
		if err != nil {
			return Set{}, fmt.Errorf("capability: grant %s: %w", abi.CapHTTPFetch, err)
		}
		s.HTTP = &HTTPGrant{
			AllowHTTP: h.AllowHTTP, AllowPrivate: h.AllowPrivate, Hosts: hosts,
			MaxResponseBytes: h.MaxResponseBytes, TimeoutMS: h.TimeoutMS, UserAgent: h.UserAgent,
		}
	}
	return s, nil
}

func parsePatterns(list []string) ([]HostPattern, error) {
	out := make([]HostPattern, 0, len(list))
	for _, s := range list {
		p, err := ParseHostPattern(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// strictDecode decodes exactly one JSON value and refuses unknown fields.
func strictDecode(doc []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
