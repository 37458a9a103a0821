package config

import (
	_ "embed"
	"fmt"
	"slices"
)

// defaultTOML is the file behind [Default].
//
//go:embed default.toml
var defaultTOML []byte

// DefaultTOML returns the embedded default configuration as TOML, with
// comments, for printing. The caller owns the returned slice.
func DefaultTOML() []byte { return slices.Clone(defaultTOML) }

// Default returns the configuration `serve` uses when no config file is
// found: HTTP on 127.0.0.1:4000, local_only auth, principals loopback and
// stdio as TenantAdmin of tenant 1 namespace 1, the default namespace
// allowed for tenant 1, local callers allowed in the schema registry,
// memory stores, and the time, env, json and http built-ins with the json
// root at the working directory (root_id "workdir"). It is [DefaultTOML]
// run through [Parse] with relative paths left relative, so it obeys
// every rule a config file does. Each call returns a new Config.
func Default() *Config {
	cfg, err := Parse(defaultTOML, "")
	if err != nil {
		// The embedded file is part of the binary; tests parse it.
		panic(fmt.Sprintf("config: embedded default.toml is invalid: %v", err))
	}
	return cfg
}
