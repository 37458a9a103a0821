//go:build !unix

package wasm

import "os"

// checkOwner has no portable owner check outside Unix; the mode check in
// checkPrivateDir still applies.
func checkOwner(string, os.FileInfo) error { return nil }
