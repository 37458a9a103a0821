// Command json is the built-in JSON/YAML file evidence provider, built as a
// pv1 Wasm reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags='-s -w' -o json.wasm .
//
// Its one check, path, reads a file under the operator's root through the
// fs/v1/read capability (the host resolves symlinks and refuses paths that
// leave the root), parses it as JSON or YAML, and optionally selects values
// with a JSONPath expression in the jsonpath_lib 0.3 dialect. Failures are
// reported in-band as result errors. Its contract is the reference one,
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
		"path": runPath,
	}))
}

// main is never called: a reactor only runs its package initialisers.
func main() {}
