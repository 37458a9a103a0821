package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// config is the operator's config block. Overrides are applied by the host,
// which answers env_get from them instead of the process environment; the
// module only needs to accept the key.
type config struct {
	Allowlist     *[]string         `json:"allowlist"`
	Denylist      []string          `json:"denylist"`
	MaxKeyBytes   uint64            `json:"max_key_bytes"`
	MaxValueBytes uint64            `json:"max_value_bytes"`
	Overrides     map[string]string `json:"overrides"`
}

// cfgCache keeps the parsed config while the host passes the same block.
var cfgCache sdk.ConfigCache[config]

func parseConfig(raw json.RawMessage) (config, error) {
	cfg := config{MaxKeyBytes: 255, MaxValueBytes: 65536}
	if len(raw) == 0 {
		return cfg, nil
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return cfg, fmt.Errorf("invalid env provider config: %v", err)
	}
	return cfg, nil
}

// Provider errors, with the reference texts.
var (
	errParamsRequired  = errors.New("env check requires params")
	errParamsNotObject = errors.New("env params must be an object")
	errMissingKey      = errors.New("missing env key")
	errKeyNotString    = errors.New("env key must be a string")
	errKeyTooLong      = errors.New("env key exceeds limit")
	errBlocked         = errors.New("env key blocked by policy")
	errValueTooLong    = errors.New("env value exceeds limit")
	errLookup          = errors.New("env lookup failed")
)

// runGet reads one environment variable. A variable that is not set gives
// no value and no error, with the anchor still naming the key.
func runGet(c *sdk.Call) (*sdk.Result, error) {
	cfg, err := cfgCache.Get(c, parseConfig)
	if err != nil {
		return nil, err
	}
	key, err := keyParam(c.Params)
	if err != nil {
		return nil, err
	}
	if uint64(len(key)) > cfg.MaxKeyBytes {
		return nil, errKeyTooLong
	}
	if slices.Contains(cfg.Denylist, key) || (cfg.Allowlist != nil && !slices.Contains(*cfg.Allowlist, key)) {
		return nil, errBlocked
	}
	value, found, err := sdk.EnvGet(key)
	switch {
	case errors.Is(err, sdk.ErrNotFound):
		found, err = false, nil
	case errors.Is(err, sdk.ErrDenied):
		return nil, errBlocked
	case errors.Is(err, sdk.ErrLimit):
		return nil, errValueTooLong
	case err != nil:
		return nil, errLookup
	}
	anchor := &sdk.Anchor{Type: "env", Value: key}
	if !found {
		return &sdk.Result{Anchor: anchor}, nil
	}
	if uint64(len(value)) > cfg.MaxValueBytes {
		return nil, errValueTooLong
	}
	return &sdk.Result{
		JSON:        jsonv.AppendString(nil, value),
		HasValue:    true,
		Anchor:      anchor,
		ContentType: "text/plain",
	}, nil
}

// keyParam extracts params.key.
func keyParam(params json.RawMessage) (string, error) {
	if params == nil {
		return "", errParamsRequired
	}
	v, err := jsonv.Parse(params)
	if err != nil {
		return "", fmt.Errorf("invalid env params: %v", err)
	}
	if v.Kind != jsonv.Object {
		return "", errParamsNotObject
	}
	k, ok := v.Obj.Get("key")
	if !ok {
		return "", errMissingKey
	}
	if k.Kind != jsonv.String {
		return "", errKeyNotString
	}
	return k.S, nil
}
