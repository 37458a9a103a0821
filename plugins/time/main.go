// Command time is the built-in time evidence provider, built as a pv1 Wasm
// reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags='-s -w' -o time.wasm .
//
// Its checks compare the run's trigger time, taken from the call context and
// never from a clock, with a threshold: now, after and before. It needs no
// host capability. Its contract is the reference one, embedded verbatim.
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
		"now":    runNow,
		"after":  runAfter,
		"before": runBefore,
	}))
}

// main is never called: a reactor only runs its package initialisers.
func main() {}
