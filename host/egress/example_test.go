package egress_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/decision-gate/dgw/host/egress"
)

func ExamplePolicy_CheckURL() {
	allow, _ := egress.ParsePatterns([]string{"*.example.com", "api.example.org:8443"})
	p := &egress.Policy{Allowlist: allow}
	for _, u := range []string{
		"https://deploys.example.com/mcp",
		"https://badexample.com/",
		"https://api.example.org:8443/",
		"https://api.example.org/",
		"http://deploys.example.com/",
	} {
		_, err := p.CheckURL(u)
		fmt.Println(u, err == nil, errors.Is(err, egress.ErrRefused))
	}
	// Output:
	// https://deploys.example.com/mcp true false
	// https://badexample.com/ false true
	// https://api.example.org:8443/ true false
	// https://api.example.org/ false true
	// http://deploys.example.com/ false true
}

func ExamplePolicy_CheckAddr() {
	p := &egress.Policy{PrivateCIDRAllowlist: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}}
	for _, a := range []string{"93.184.216.34", "169.254.169.254", "10.20.1.2", "10.30.1.2"} {
		fmt.Println(a, p.CheckAddr(netip.MustParseAddr(a)) == nil)
	}
	// Output:
	// 93.184.216.34 true
	// 169.254.169.254 false
	// 10.20.1.2 true
	// 10.30.1.2 false
}
