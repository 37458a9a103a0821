//go:build !wasip1

package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

func TestGet(t *testing.T) {
	env := map[string]string{
		"DEPLOY_ENV":            "production",
		"EMPTY":                 "",
		"QUOTED":                "a\"b\\c\n\u2028<>&",
		"BIG":                   strings.Repeat("x", 50),
		"SECRET":                "hunter2",
		"APPROVED":              "ok",
		strings.Repeat("K", 10): "ten",
	}
	tests := []struct {
		name     string
		host     *plugintest.Host
		params   string
		config   string
		want     string // JSON value; "" for no value
		wantCT   string
		wantErr  string
		noAnchor bool
	}{
		{name: "found", params: `{"key":"DEPLOY_ENV"}`, want: `"production"`, wantCT: "text/plain"},
		{name: "empty value", params: `{"key":"EMPTY"}`, want: `""`, wantCT: "text/plain"},
		{name: "escaped value", params: `{"key":"QUOTED"}`, want: "\"a\\\"b\\\\c\\n\u2028<>&\"", wantCT: "text/plain"},
		{name: "missing gives null without error", params: `{"key":"NOPE"}`},
		{name: "empty key is looked up", params: `{"key":""}`},
		{name: "key at limit", params: `{"key":"KKKKKKKKKK"}`, config: `{"max_key_bytes":10,"max_value_bytes":65536,"denylist":[]}`, want: `"ten"`, wantCT: "text/plain"},
		{name: "key over limit", params: `{"key":"KKKKKKKKKKK"}`, config: `{"max_key_bytes":10,"max_value_bytes":65536,"denylist":[]}`, wantErr: "env key exceeds limit"},
		{name: "value at limit", params: `{"key":"BIG"}`, config: `{"max_key_bytes":255,"max_value_bytes":50,"denylist":[]}`, want: `"` + strings.Repeat("x", 50) + `"`, wantCT: "text/plain"},
		{name: "value over limit", params: `{"key":"BIG"}`, config: `{"max_key_bytes":255,"max_value_bytes":49,"denylist":[]}`, wantErr: "env value exceeds limit"},
		{name: "denylist", params: `{"key":"SECRET"}`, config: `{"denylist":["SECRET"],"max_key_bytes":255,"max_value_bytes":65536}`, wantErr: "env key blocked by policy"},
		{name: "allowlist allows", params: `{"key":"APPROVED"}`, config: `{"allowlist":["APPROVED"],"denylist":[],"max_key_bytes":255,"max_value_bytes":65536}`, want: `"ok"`, wantCT: "text/plain"},
		{name: "allowlist blocks", params: `{"key":"DEPLOY_ENV"}`, config: `{"allowlist":["APPROVED"],"denylist":[],"max_key_bytes":255,"max_value_bytes":65536}`, wantErr: "env key blocked by policy"},
		{name: "empty allowlist blocks all", params: `{"key":"APPROVED"}`, config: `{"allowlist":[],"denylist":[],"max_key_bytes":255,"max_value_bytes":65536}`, wantErr: "env key blocked by policy"},
		{name: "denylist beats allowlist", params: `{"key":"APPROVED"}`, config: `{"allowlist":["APPROVED"],"denylist":["APPROVED"],"max_key_bytes":255,"max_value_bytes":65536}`, wantErr: "env key blocked by policy"},
		{name: "key limit checked before policy", params: `{"key":"SECRET"}`, config: `{"denylist":["SECRET"],"max_key_bytes":3,"max_value_bytes":65536}`, wantErr: "env key exceeds limit"},
		// Overrides are served by the host; the module passes the key through.
		{name: "overrides are the host's", params: `{"key":"DEPLOY_ENV"}`, config: `{"overrides":{"DEPLOY_ENV":"staging"},"denylist":[],"max_key_bytes":255,"max_value_bytes":65536}`, want: `"production"`, wantCT: "text/plain"},
		{name: "host denies", host: &plugintest.Host{Env: env, EnvAllow: []string{"OTHER"}}, params: `{"key":"DEPLOY_ENV"}`, wantErr: "env key blocked by policy", noAnchor: true},
		{name: "empty grant denies", host: &plugintest.Host{}, params: `{"key":"DEPLOY_ENV"}`, wantErr: "env key blocked by policy"},
		{name: "no params", params: "", wantErr: "env check requires params"},
		{name: "params not object", params: `"DEPLOY_ENV"`, wantErr: "env params must be an object"},
		{name: "missing key", params: `{"other":"x"}`, wantErr: "missing env key"},
		{name: "key not string", params: `{"key":12345}`, wantErr: "env key must be a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.host
			if h == nil {
				h = &plugintest.Host{Env: env}
			}
			sdk.SetTestHost(h)
			res, err := sdk.Query(plugintest.NewCall("get", tc.params, tc.config, 0))
			if tc.wantErr != "" {
				var pe *sdk.ProviderError
				if !errors.As(err, &pe) || pe.Message != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if res.HasValue {
					t.Errorf("value = %s, want none", res.JSON)
				}
			} else if !res.HasValue || !plugintest.SameJSON(res.JSON, []byte(tc.want)) {
				t.Errorf("value = %s, want %s", res.JSON, tc.want)
			}
			if res.ContentType != tc.wantCT {
				t.Errorf("content type = %q, want %q", res.ContentType, tc.wantCT)
			}
			var key string
			if tc.params != "" {
				key = strings.TrimSuffix(strings.TrimPrefix(tc.params, `{"key":"`), `"}`)
			}
			if res.Anchor == nil || res.Anchor.Type != "env" || res.Anchor.Value != key {
				t.Errorf("anchor = %+v, want env/%s", res.Anchor, key)
			}
			if res.RefURI != "" || res.Error != nil {
				t.Errorf("ref %q, error %+v", res.RefURI, res.Error)
			}
		})
	}
}
