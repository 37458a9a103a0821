package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// config is the operator's config block. user_agent is applied by the host
// (the module cannot set request headers outside the host's allowlist);
// allow_private is a host-side extension that lets requests reach loopback
// and private addresses.
type config struct {
	AllowHTTP        bool      `json:"allow_http"`
	TimeoutMS        uint64    `json:"timeout_ms"`
	MaxResponseBytes uint64    `json:"max_response_bytes"`
	AllowedHosts     *[]string `json:"allowed_hosts"`
	UserAgent        string    `json:"user_agent"`
	HashAlgorithm    string    `json:"hash_algorithm"`
	AllowPrivate     bool      `json:"allow_private"`
}

// cfgCache keeps the parsed config while the host passes the same block.
var cfgCache sdk.ConfigCache[config]

func parseConfig(raw json.RawMessage) (config, error) {
	cfg := config{TimeoutMS: 5000, MaxResponseBytes: 1 << 20, UserAgent: "decision-gate/0.1", HashAlgorithm: "sha256"}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return cfg, fmt.Errorf("invalid http provider config: %v", err)
		}
	}
	if cfg.HashAlgorithm != "sha256" {
		return cfg, fmt.Errorf("invalid http provider config: unsupported hash_algorithm %q", cfg.HashAlgorithm)
	}
	return cfg, nil
}

// Provider errors, with the reference texts.
var (
	errParamsRequired  = errors.New("http check requires params")
	errParamsNotObject = errors.New("http params must be an object")
	errMissingURL      = errors.New("missing url param")
	errURLNotString    = errors.New("url param must be a string")
	errInvalidURL      = errors.New("invalid url")
	errScheme          = errors.New("unsupported url scheme")
	errHostRequired    = errors.New("url host required")
	errHostNotAllowed  = errors.New("url host not allowed")
	errRequestFailed   = errors.New("http request failed")
	errTooLarge        = errors.New("http response exceeds size limit")
	errTruncated       = errors.New("http response truncated")
)

// runStatus returns the response status code; a 3xx is returned as is.
func runStatus(c *sdk.Call) (*sdk.Result, error) {
	u, resp, err := fetch(c)
	if err != nil {
		return nil, err
	}
	return result(u, strconv.Itoa(resp.Status)), nil
}

// runBodyHash returns {"algorithm":"sha256","value":<hex>} of the body.
func runBodyHash(c *sdk.Call) (*sdk.Result, error) {
	u, resp, err := fetch(c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(resp.Body)
	return result(u, `{"algorithm":"sha256","value":"`+hex.EncodeToString(sum[:])+`"}`), nil
}

func result(u *parsedURL, value string) *sdk.Result {
	return &sdk.Result{
		JSON:        json.RawMessage(value),
		HasValue:    true,
		RefURI:      u.href,
		Anchor:      &sdk.Anchor{Type: "url", Value: u.href},
		ContentType: "application/json",
	}
}

// fetch validates the URL against the policy and performs the GET.
func fetch(c *sdk.Call) (*parsedURL, *sdk.HTTPResponse, error) {
	raw, err := urlParam(c.Params)
	if err != nil {
		return nil, nil, err
	}
	u, ok := parseURL(raw)
	if !ok {
		return nil, nil, errInvalidURL
	}
	cfg, err := cfgCache.Get(c, parseConfig)
	if err != nil {
		return nil, nil, err
	}
	if !(u.scheme == "https" || (u.scheme == "http" && cfg.AllowHTTP)) {
		return nil, nil, errScheme
	}
	if cfg.AllowedHosts != nil {
		if !u.hasHost {
			return nil, nil, errHostRequired
		}
		if !slices.Contains(*cfg.AllowedHosts, u.host) {
			return nil, nil, errHostNotAllowed
		}
	}
	timeout := 0
	if cfg.TimeoutMS > 0 && cfg.TimeoutMS < math.MaxInt32 {
		timeout = int(cfg.TimeoutMS)
	}
	resp, err := sdk.HTTPFetch(sdk.HTTPRequest{Method: "GET", URL: u.href, TimeoutMS: timeout})
	switch {
	case errors.Is(err, sdk.ErrLimit):
		return nil, nil, errTooLarge
	case errors.Is(err, sdk.ErrTruncated):
		return nil, nil, errTruncated
	case err != nil:
		return nil, nil, errRequestFailed
	}
	if uint64(len(resp.Body)) > cfg.MaxResponseBytes {
		return nil, nil, errTooLarge
	}
	return u, resp, nil
}

// urlParam extracts params.url.
func urlParam(params json.RawMessage) (string, error) {
	if params == nil {
		return "", errParamsRequired
	}
	v, err := jsonv.Parse(params)
	if err != nil {
		return "", fmt.Errorf("invalid http params: %v", err)
	}
	if v.Kind != jsonv.Object {
		return "", errParamsNotObject
	}
	u, ok := v.Obj.Get("url")
	if !ok {
		return "", errMissingURL
	}
	if u.Kind != jsonv.String {
		return "", errURLNotString
	}
	return u.S, nil
}
