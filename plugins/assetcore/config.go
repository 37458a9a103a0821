package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// config is the guest's view of the operator's config block: where the
// AssetCore read API lives and which AssetCore namespace to read. The
// operator's auth_token never reaches the module; the host keeps it and
// adds the bearer header to requests for the granted host.
type config struct {
	base        string // base_url without trailing slashes
	namespace   uint64 // namespace_id, at least 1
	namespaceID string // namespace_id in canonical decimal form
}

// cfgCache keeps the parsed config while the host passes the same block.
var cfgCache sdk.ConfigCache[config]

// parseConfig reads {"base_url": string, "namespace_id": string}. Any other
// member is refused: the block is built by the host, so an unexpected key
// means the wiring is wrong, and a stray auth_token means a secret entered
// the sandbox.
func parseConfig(raw json.RawMessage) (config, error) {
	var cfg config
	v, err := jsonv.Parse(raw)
	if err != nil || v.Kind != jsonv.Object {
		return cfg, errors.New("invalid assetcore provider config: not a JSON object")
	}
	for i := range v.Obj.Len() {
		switch k, _ := v.Obj.At(i); k {
		case "base_url", "namespace_id":
		case "auth_token":
			return cfg, errors.New("invalid assetcore provider config: auth_token must stay with the host, which sends it as a bearer header")
		default:
			return cfg, fmt.Errorf("invalid assetcore provider config: unknown field %q", k)
		}
	}
	base, ok := v.Obj.Get("base_url")
	if !ok {
		return cfg, errors.New("assetcore provider requires config.base_url")
	}
	if base.Kind != jsonv.String {
		return cfg, errors.New("invalid assetcore provider config: base_url must be a string")
	}
	if cfg.base, err = parseBaseURL(base.S); err != nil {
		return cfg, err
	}
	ns, ok := v.Obj.Get("namespace_id")
	if !ok {
		return cfg, errors.New("assetcore provider requires config.namespace_id")
	}
	if ns.Kind != jsonv.String {
		return cfg, errors.New("invalid assetcore provider config: namespace_id must be a string")
	}
	if cfg.namespace, err = parseNamespace(ns.S); err != nil {
		return cfg, err
	}
	cfg.namespaceID = strconv.FormatUint(cfg.namespace, 10)
	return cfg, nil
}

// parseBaseURL accepts an absolute http or https URL with a host and an
// optional path prefix; user information, a query or a fragment are
// refused because request paths are appended to it.
func parseBaseURL(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("invalid assetcore provider config: base_url %s", why)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return bad("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("must be an http or https URL")
	case u.Host == "" || u.Opaque != "":
		return bad("has no host")
	case u.User != nil:
		return bad("must not carry user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(s, "?#"):
		return bad("must not have a query or fragment")
	}
	return strings.TrimRight(s, "/"), nil
}

// parseNamespace parses a decimal AssetCore namespace id of at least 1.
func parseNamespace(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("invalid assetcore provider config: namespace_id %q is not a decimal integer of at least 1", s)
	}
	return n, nil
}
