// Command decision-gate is the Decision Gate server and its offline tools:
// scenario hashing and validation, runpack export and verification, config
// validation and provider plugin signing.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
