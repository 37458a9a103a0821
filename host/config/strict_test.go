package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/internal/testutil"
)

// strictHardened is the reference hardened preset in strict mode, with a
// versioned provider policy and two well-formed external backends.
func strictHardened(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	contract := filepath.Join(dir, "contract.json")
	os.WriteFile(contract, testutil.ReadFile(t, testutil.Conformance(t, "provider-contracts", "template_provider.json")), 0o644)
	preset := string(testutil.ReadFile(t, testutil.Conformance(t, "configs", "presets", "hardened.toml")))
	return preset + `
[external_mcp]
strict = true

[provider_policy]
version = "2026-11-22.1"

[[providers]]
name = "deploys"
type = "mcp"
protocol = "mcp"
url = "https://evidence.example.com/mcp"
capabilities_path = "` + contract + `"
contract_sha256 = "` + strings.Repeat("a", 64) + `"
egress_allowlist = ["evidence.example.com"]
required_env = ["DEPLOYS_TOKEN"]
auth = { bearer_token_env = "DEPLOYS_TOKEN" }

[[providers]]
name = "git"
type = "mcp"
command = ["/usr/local/bin/git-provider"]
command_sha256 = "` + strings.Repeat("b", 64) + `"
capabilities_path = "` + contract + `"
contract_sha256 = "` + strings.Repeat("c", 64) + `"
allow_unenforced_egress = true
optional = true
`, dir
}

// TestHardenedStrictRefusesUnsafeSettings: the hardened preset in strict
// mode loads as is, and each unsafe change is refused with a message that
// names the key.
func TestHardenedStrictRefusesUnsafeSettings(t *testing.T) {
	base, dir := strictHardened(t)
	if _, err := config.Parse([]byte(base), dir); err != nil {
		t.Fatalf("the strict hardened config must load: %v", err)
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"empty egress allowlist", `egress_allowlist = ["evidence.example.com"]`, `egress_allowlist = []`,
			"providers[4].egress_allowlist: must not be empty when [external_mcp] strict = true"},
		{"wildcard egress", `egress_allowlist = ["evidence.example.com"]`, `egress_allowlist = ["evidence.example.com", "*"]`,
			`providers[4].egress_allowlist[1]: may not be "*"`},
		{"literal bearer token", `auth = { bearer_token_env = "DEPLOYS_TOKEN" }`, `auth = { bearer_token = "literal-token-value-1234" }`,
			"providers[4].auth.bearer_token: literal tokens are refused when [external_mcp] strict = true"},
		{"unpinned contract", `contract_sha256 = "` + strings.Repeat("a", 64) + `"`, ``,
			"providers[4].contract_sha256: is required when [external_mcp] strict = true"},
		{"preflight off", `optional = true`, "optional = true\npreflight = { required = false }",
			"providers[5].preflight.required: must be true when [external_mcp] strict = true"},
		{"unpinned command", `command_sha256 = "` + strings.Repeat("b", 64) + `"`, ``,
			"providers[5].command_sha256: is required when [external_mcp] strict = true"},
		{"unacknowledged stdio egress", `allow_unenforced_egress = true`, ``,
			"providers[5].allow_unenforced_egress: must be true when [external_mcp] strict = true"},
		{"secret in a literal env", `optional = true`, "optional = true\nenv = { API_KEY = \"x\" }",
			`providers[5].env.API_KEY: looks like a secret; literal secrets are refused`},
		{"unversioned provider policy", `version = "2026-11-22.1"`, ``,
			"provider_policy.version: must be set when [external_mcp] strict = true"},
		{"dev-permissive", `[external_mcp]`, "[dev]\npermissive = true\n[external_mcp]",
			"dev.permissive: dev-permissive mode is refused when [external_mcp] strict = true"},
		{"unsigned wasm modules", `[external_mcp]`, "[wasm]\nallow_unsigned = true\n[external_mcp]",
			"wasm.allow_unsigned: requires dev.permissive = true"},
		{"stdio egress allowlist", `allow_unenforced_egress = true`, "allow_unenforced_egress = true\negress_allowlist = [\"example.com\"]",
			"providers[5].egress_allowlist: cannot be enforced for a stdio backend"},
		{"plain http backend", `url = "https://evidence.example.com/mcp"`, `url = "http://evidence.example.com/mcp"`,
			"providers[4].url: an http:// URL needs allow_insecure_http = true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("base config has no %q", tc.old)
			}
			_, err := config.Parse([]byte(strings.Replace(base, tc.old, tc.new, 1)), dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
