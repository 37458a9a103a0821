package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestSecret_neverPrints renders secrets every way a config might be
// printed or logged and checks the value never appears.
func TestSecret_neverPrints(t *testing.T) {
	const token = "s3cr3t-token-value"
	src := `
[server]
transport = "http"
bind = "127.0.0.1:4000"

[server.auth]
mode = "bearer_token"
bearer_tokens = ["` + token + `"]

[[providers]]
name = "remote"
type = "mcp"
url = "https://r.example.com"
capabilities_path = "r.json"
auth = { bearer_token = "` + token + `" }

[client.auth_profiles.ci]
bearer_token = "` + token + `"
`
	c, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Server.Auth.BearerTokens[0].Reveal(); got != token {
		t.Fatalf("Reveal = %q", got)
	}

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("config", "tokens", c.Server.Auth.BearerTokens, "auth", c.Providers[0].Auth.BearerToken)
	logger.Info("config", "token", c.Client.AuthProfiles["ci"].BearerToken)
	jsonOut, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	renderings := map[string]string{
		"slog":   logs.String(),
		"json":   string(jsonOut),
		"%v":     fmt.Sprintf("%v", c),
		"%+v":    fmt.Sprintf("%+v", *c),
		"%#v":    fmt.Sprintf("%#v", *c),
		"%s":     fmt.Sprintf("%s", c.Server.Auth.BearerTokens),
		"%q":     fmt.Sprintf("%q", c.Server.Auth.BearerTokens[0]),
		"%x":     fmt.Sprintf("%x", c.Server.Auth.BearerTokens[0]),
		"%d":     fmt.Sprintf("%d", c.Server.Auth.BearerTokens[0]),
		"String": c.Providers[0].Auth.BearerToken.String(),
		"auth":   fmt.Sprintf("%+v", *c.Providers[0].Auth),
	}
	for name, out := range renderings {
		if strings.Contains(out, token) || strings.Contains(out, fmt.Sprintf("%x", token)) {
			t.Errorf("%s rendering leaks the token: %s", name, out)
		}
	}
	if !strings.Contains(renderings["slog"], redacted) || renderings["%q"] != `"[REDACTED]"` {
		t.Errorf("redacted form missing: slog %s, %%q %s", renderings["slog"], renderings["%q"])
	}
	if s := (Secret{}).String(); s != "" {
		t.Errorf("unset secret renders %q", s)
	}
}

// TestSecret_validationDoesNotLeak checks that problems with a token name
// the key, never the value.
func TestSecret_validationDoesNotLeak(t *testing.T) {
	const token = " padded-secret-value "
	_, err := Parse([]byte("[server.auth]\nbearer_tokens = [\""+token+"\"]\n"), "")
	if err == nil || strings.Contains(err.Error(), "padded-secret-value") {
		t.Errorf("err = %v", err)
	}
}
