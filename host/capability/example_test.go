package capability_test

import (
	"fmt"

	"github.com/decision-gate/dgw/host/capability"
)

func ExampleIntersect() {
	grant, _ := capability.ParseGrant([]byte(`{
	  "env/v1/get": {"allowlist": ["DEPLOY_ENV", "REGION"]},
	  "http/v1/fetch": {"allowed_hosts": ["*.example.com"]}
	}`))
	req, _ := capability.ParseRequest([]byte(`{"env/v1/get": {"keys": ["DEPLOY_ENV", "AWS_SECRET_ACCESS_KEY"]}}`))
	in := capability.Intersect(req, grant)
	fmt.Println(in.Set.Names(), in.Set.Env.Allowlist, in.Unrequested)

	lookup := func(string) (string, bool) { return "production", true }
	v, err := in.Set.Env.Get("DEPLOY_ENV", lookup)
	fmt.Println(v, err)
	_, err = in.Set.Env.Get("AWS_SECRET_ACCESS_KEY", lookup)
	fmt.Println(capability.StatusOf(err))
	// Output:
	// [env/v1/get] [DEPLOY_ENV] [http/v1/fetch]
	// production <nil>
	// denied
}

func ExampleHostPattern_Match() {
	p, _ := capability.ParseHostPattern("*.example.com")
	fmt.Println(p.Match("api.example.com", "443"), p.Match("example.com", "443"))
	// Output: true false
}
