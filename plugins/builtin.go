// Package plugins embeds the built-in provider modules (time, env, json,
// http, assetcore), each with its signed manifest, so that `go install` and
// `go run` give a server with working providers and no build step.
//
// The modules are built from plugins/<name> by plugins/build.sh
// (reproducibly; CI rebuilds them and compares) and sealed by
// plugins/seal.sh. The server verifies every embedded module through the
// same signature path as third-party modules.
package plugins

import (
	"embed"
	"fmt"
	"slices"
)

//go:embed time/time.wasm time/provider.json time/provider.json.sig
//go:embed env/env.wasm env/provider.json env/provider.json.sig
//go:embed json/json.wasm json/provider.json json/provider.json.sig
//go:embed http/http.wasm http/provider.json http/provider.json.sig
//go:embed assetcore/assetcore.wasm assetcore/provider.json assetcore/provider.json.sig
//go:embed keys/builtin.pub
var files embed.FS

// Names lists the built-in providers.
var Names = []string{"time", "env", "json", "http", "assetcore"}

// Module returns a built-in's module, manifest and signature.
func Module(name string) (wasm, manifest, signature []byte, err error) {
	if !slices.Contains(Names, name) {
		return nil, nil, nil, fmt.Errorf("no built-in provider named %q (built-ins: %v)", name, Names)
	}
	if wasm, err = files.ReadFile(name + "/" + name + ".wasm"); err != nil {
		return nil, nil, nil, err
	}
	if manifest, err = files.ReadFile(name + "/provider.json"); err != nil {
		return nil, nil, nil, err
	}
	if signature, err = files.ReadFile(name + "/provider.json.sig"); err != nil {
		return nil, nil, nil, err
	}
	return wasm, manifest, signature, nil
}

// PublicKey returns the PEM public key that signs the built-in manifests.
func PublicKey() []byte {
	b, err := files.ReadFile("keys/builtin.pub")
	if err != nil {
		panic("plugins: embedded built-in key missing: " + err.Error())
	}
	return b
}
