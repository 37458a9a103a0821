// Command env is the built-in environment evidence provider, built as a pv1
// Wasm reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags='-s -w' -o env.wasm .
//
// Its one check, get, reads an environment variable through the env/v1/get
// capability after applying the operator's key policy and size limits. The
// host enforces the same grant again and serves configured overrides in
// place of the process environment. Its contract is the reference one,
// embedded verbatim.
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
	sdk.Register(contract.Provider(contractJSON, version, map[string]contract.RunFunc{
		"get": runGet,
	}))
}

// main is never called: a reactor only runs its package initialisers.
func main() {}
