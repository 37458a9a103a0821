package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// config is the operator's config block: {allow_logical: bool}, default
// true. The host validates the block against the contract's config schema.
type config struct {
	AllowLogical bool `json:"allow_logical"`
}

// cfgCache keeps the parsed config while the host passes the same block.
var cfgCache sdk.ConfigCache[config]

func parseConfig(raw json.RawMessage) (config, error) {
	cfg := config{AllowLogical: true}
	if len(raw) == 0 {
		return cfg, nil
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return cfg, fmt.Errorf("invalid time provider config: %v", err)
	}
	return cfg, nil
}

// Provider errors, with the reference texts.
var (
	errParamsRequired    = errors.New("time check requires params")
	errParamsNotObject   = errors.New("time params must be an object")
	errMissingTimestamp  = errors.New("missing timestamp param")
	errInvalidRFC3339    = errors.New("invalid rfc3339 timestamp")
	errLogicalForbidden  = errors.New("logical timestamps are not permitted")
	errExceedsI64        = errors.New("timestamp exceeds i64 range")
	errInvalidNumeric    = errors.New("invalid numeric timestamp")
	errNotNumberOrString = errors.New("timestamp must be number or string")
	errLogicalNotNumeric = errors.New("logical timestamp must be numeric")
	errLogicalUnsigned   = errors.New("logical timestamp must be unsigned")
	errTriggerKind       = errors.New("unsupported trigger time kind")
)

// anchor names the trigger time the result was derived from.
func anchor(ts sdk.Timestamp) *sdk.Anchor {
	if ts.Kind == sdk.Logical {
		return &sdk.Anchor{Type: "trigger_time_logical", Value: strconv.FormatUint(ts.Logical, 10)}
	}
	return &sdk.Anchor{Type: "trigger_time_unix_millis", Value: strconv.FormatInt(ts.Millis, 10)}
}

func result(value string, ts sdk.Timestamp) *sdk.Result {
	return &sdk.Result{
		JSON:        json.RawMessage(value),
		HasValue:    true,
		Anchor:      anchor(ts),
		ContentType: "application/json",
	}
}

// runNow returns the trigger time as a JSON integer.
func runNow(c *sdk.Call) (*sdk.Result, error) {
	cfg, err := cfgCache.Get(c, parseConfig)
	if err != nil {
		return nil, err
	}
	ts := c.Context.TriggerTime
	switch ts.Kind {
	case sdk.UnixMillis:
		return result(strconv.FormatInt(ts.Millis, 10), ts), nil
	case sdk.Logical:
		if !cfg.AllowLogical {
			return nil, errLogicalForbidden
		}
		return result(strconv.FormatUint(ts.Logical, 10), ts), nil
	default:
		return nil, errTriggerKind
	}
}

// runAfter reports whether the trigger time is strictly after the threshold.
func runAfter(c *sdk.Call) (*sdk.Result, error) { return compare(c, +1) }

// runBefore reports whether the trigger time is strictly before the
// threshold.
func runBefore(c *sdk.Call) (*sdk.Result, error) { return compare(c, -1) }

// compare evaluates after (want +1) or before (want -1).
func compare(c *sdk.Call, want int) (*sdk.Result, error) {
	cfg, err := cfgCache.Get(c, parseConfig)
	if err != nil {
		return nil, err
	}
	ts := c.Context.TriggerTime
	if ts.Kind != sdk.UnixMillis && ts.Kind != sdk.Logical {
		return nil, errTriggerKind
	}
	threshold, err := thresholdParam(c.Params)
	if err != nil {
		return nil, err
	}
	var order int
	if ts.Kind == sdk.UnixMillis {
		t, err := parseUnixMillis(threshold)
		if err != nil {
			return nil, err
		}
		order = cmpInt(ts.Millis, t)
	} else {
		if !cfg.AllowLogical {
			return nil, errLogicalForbidden
		}
		t, err := parseLogical(threshold)
		if err != nil {
			return nil, err
		}
		order = cmpUint(ts.Logical, t)
	}
	return result(strconv.FormatBool(order == want), ts), nil
}

// thresholdParam extracts params.timestamp.
func thresholdParam(params json.RawMessage) (*jsonv.Value, error) {
	if params == nil {
		return nil, errParamsRequired
	}
	v, err := jsonv.Parse(params)
	if err != nil {
		return nil, fmt.Errorf("invalid time params: %v", err)
	}
	if v.Kind != jsonv.Object {
		return nil, errParamsNotObject
	}
	t, ok := v.Obj.Get("timestamp")
	if !ok {
		return nil, errMissingTimestamp
	}
	return t, nil
}

// parseUnixMillis reads a unix-millis threshold: an integer that fits int64,
// or an RFC 3339 string truncated to whole milliseconds.
func parseUnixMillis(v *jsonv.Value) (int64, error) {
	switch v.Kind {
	case jsonv.Number:
		switch n := v.N; n.Kind {
		case jsonv.PosInt:
			if n.U > 1<<63-1 {
				return 0, errExceedsI64
			}
			return int64(n.U), nil
		case jsonv.NegInt:
			return n.I, nil
		default:
			return 0, errInvalidNumeric
		}
	case jsonv.String:
		return rfc3339Millis(v.S)
	default:
		return 0, errNotNumberOrString
	}
}

// parseLogical reads a logical threshold: an unsigned integer only.
func parseLogical(v *jsonv.Value) (uint64, error) {
	if v.Kind != jsonv.Number {
		return 0, errLogicalNotNumeric
	}
	if v.N.Kind != jsonv.PosInt {
		return 0, errLogicalUnsigned
	}
	return v.N.U, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a > b:
		return +1
	case a < b:
		return -1
	}
	return 0
}

func cmpUint(a, b uint64) int {
	switch {
	case a > b:
		return +1
	case a < b:
		return -1
	}
	return 0
}
