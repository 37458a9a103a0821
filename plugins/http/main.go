// Command http is the built-in HTTP evidence provider, built as a pv1 Wasm
// reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags='-s -w' -o http.wasm .
//
// Its checks issue one GET through the http/v1/fetch capability and return
// the status code (a redirect is returned, never followed) or the SHA-256
// of the body. The module applies the operator's scheme and host policy
// before calling the host; the host enforces the same grant, the size cap
// and the deadline again. Its contract is the reference one, embedded
// verbatim.
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
		"status":    runStatus,
		"body_hash": runBodyHash,
	}))
}

// main is never called: a reactor only runs its package initialisers.
func main() {}
