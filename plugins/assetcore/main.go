// Command assetcore is the built-in AssetCore evidence provider, built as a
// pv1 Wasm reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags='-s -w' -o assetcore.wasm .
//
// Its 22 checks read an AssetCore deployment's world state — container
// kinds and bounds, balances, slots, grid cells, placement overlaps — with
// one GET per query through the http/v1/fetch capability, against the read
// API described in README.md. Every answer is anchored with the
// assetcore.anchor_set of the commit it was read at. Failures AssetCore or
// the network report are in-band result errors; a bad config block fails
// the call.
//
// Its contract is the reference assetcore_read contract with two fields
// changed: provider_id is the built-in's name, assetcore, and transport is
// builtin.
package main

import (
	_ "embed"

	"github.com/decision-gate/dgw/plugins/internal/contract"
	"github.com/decision-gate/dgw/sdk"
)

//go:embed contract.json
var contractJSON []byte

// version is the module version reported in the self-description.
const version = "0.1.0"

func init() {
	sdk.Register(contract.Provider(contractJSON, version, runFuncs()))
}

// main is never called: a reactor only runs its package initialisers.
func main() {}
