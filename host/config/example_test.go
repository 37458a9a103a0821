package config_test

import (
	"fmt"

	"github.com/decision-gate/dgw/host/config"
)

func ExampleParse() {
	src := []byte(`
[server]
transport = "http"
bind = "127.0.0.1:4000"

[[providers]]
name = "json"
type = "builtin"
config = { root = "./evidence", root_id = "evidence-root", max_bytes = 1048576, allow_yaml = true }
`)
	cfg, err := config.Parse(src, "/srv/dg")
	if err != nil {
		fmt.Println(err)
		return
	}
	json, _ := cfg.Provider("json")
	fmt.Println(cfg.Server.Transport, cfg.Server.Auth.Mode, cfg.Server.MaxBodyBytes)
	fmt.Println(json.JSON.Root.Raw, "->", json.JSON.Root.Resolved)

	// Every problem comes back at once, each with its key path.
	_, err = config.Parse([]byte(`
[server]
transport = "http"
bnd = "127.0.0.1:4000"

[[providers]]
name = "time"
type = "builtin"
timeouts = { request_timeout_ms = 40 }
`), "")
	fmt.Println(err)
	// Output:
	// http local_only 1048576
	// ./evidence -> /srv/dg/evidence
	// unknown key: server.bnd
	// server.bind: is required for transport "http"
	// providers[0].timeouts.request_timeout_ms: must be between 500 and 30000 (got 40)
	// providers[0].timeouts.request_timeout_ms: must be at least connect_timeout_ms (40 < 2000)
}
