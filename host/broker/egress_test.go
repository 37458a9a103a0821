package broker

import (
	"net/netip"
	"testing"

	"github.com/decision-gate/dgw/host/config"
)

func TestEgressPolicy(t *testing.T) {
	for _, tc := range []struct {
		name      string
		url       string
		allowlist []string
		insecure  bool
		em        func(*config.ExternalMCP)
		addr      string
		urlOK     bool
		addrOK    bool
	}{
		{name: "allowlisted host", url: "https://evidence.example.com/mcp", allowlist: []string{"evidence.example.com"}, addr: "93.184.216.34", urlOK: true, addrOK: true},
		{name: "host not allowlisted", url: "https://other.example.com/mcp", allowlist: []string{"evidence.example.com"}, addr: "93.184.216.34", addrOK: true},
		{name: "pattern without port refuses other ports", url: "https://evidence.example.com:8443/mcp", allowlist: []string{"evidence.example.com"}, addr: "93.184.216.34", addrOK: true},
		{name: "empty allowlist means the url's host", url: "https://evidence.example.com:8443/mcp", addr: "93.184.216.34", urlOK: true, addrOK: true},
		{name: "http refused", url: "http://evidence.example.com/mcp", addr: "93.184.216.34", addrOK: true},
		{name: "http allowed", url: "http://evidence.example.com/mcp", insecure: true, addr: "93.184.216.34", urlOK: true, addrOK: true},
		{name: "private address refused", url: "https://evidence.example.com/mcp", addr: "10.20.1.2", urlOK: true},
		{name: "metadata address refused", url: "https://evidence.example.com/mcp", addr: "169.254.169.254", urlOK: true},
		{
			name: "private cidr allowlisted", url: "https://evidence.example.com/mcp", addr: "10.20.1.2", urlOK: true, addrOK: true,
			em: func(em *config.ExternalMCP) { em.PrivateCIDRAllowlist = []string{"10.20.0.0/16"} },
		},
		{
			name: "private networks allowed", url: "https://evidence.example.com/mcp", addr: "127.0.0.1", urlOK: true, addrOK: true,
			em: func(em *config.ExternalMCP) { em.AllowPrivateNetworks = true },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := config.Provider{URL: tc.url, AllowInsecureHTTP: tc.insecure, MCP: config.MCP{EgressAllowlist: tc.allowlist}}
			em := testEM()
			if tc.em != nil {
				tc.em(&em)
			}
			pol, err := egressPolicy(p, em)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pol.CheckURL(tc.url); (err == nil) != tc.urlOK {
				t.Fatalf("CheckURL: %v, want ok=%v", err, tc.urlOK)
			}
			if err := pol.CheckAddr(netip.MustParseAddr(tc.addr)); (err == nil) != tc.addrOK {
				t.Fatalf("CheckAddr(%s): %v, want ok=%v", tc.addr, err, tc.addrOK)
			}
		})
	}
	if _, err := egressPolicy(config.Provider{URL: "https://x.example", MCP: config.MCP{EgressAllowlist: []string{"bad host"}}}, testEM()); err == nil {
		t.Fatal("accepted a bad pattern")
	}
}

func TestCheckConfig_strict(t *testing.T) {
	base := func() config.Provider {
		return config.Provider{
			Command: []string{"/bin/provider"},
			MCP: config.MCP{
				Protocol: config.ProtocolDGEvidence, CommandSHA256: "x", ContractSHA256: "y",
				AllowUnenforcedEgress: true, Preflight: config.Preflight{Required: true},
			},
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*config.Provider)
		key  string
	}{
		{"ok", func(*config.Provider) {}, ""},
		{"both transports", func(p *config.Provider) { p.URL = "https://x.example" }, ""},
		{"unknown protocol", func(p *config.Provider) { p.Protocol = "grpc" }, "protocol"},
		{"preflight not required", func(p *config.Provider) { p.Preflight.Required = false }, "preflight.required"},
		{"no contract pin", func(p *config.Provider) { p.ContractSHA256 = "" }, "contract_sha256"},
		{"no command pin", func(p *config.Provider) { p.CommandSHA256 = "" }, "command_sha256"},
		{"egress not acknowledged", func(p *config.Provider) { p.AllowUnenforcedEgress = false }, "allow_unenforced_egress"},
		{"literal token", func(p *config.Provider) { p.Auth = &config.ProviderAuth{BearerToken: config.NewSecret("t")} }, "auth.bearer_token"},
		{"http without allowlist", func(p *config.Provider) { p.Command, p.URL = nil, "https://x.example" }, "egress_allowlist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			pr := checkConfig(&p, &config.ExternalMCP{Strict: true})
			if tc.name == "ok" {
				if pr != nil {
					t.Fatal(pr)
				}
				return
			}
			if pr == nil || pr.code != "config_invalid" || pr.key != tc.key {
				t.Fatalf("problem %+v, want config_invalid at %q", pr, tc.key)
			}
		})
	}
}
