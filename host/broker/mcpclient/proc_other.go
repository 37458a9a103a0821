//go:build !unix

package mcpclient

import "os/exec"

// setProcessGroup does nothing where process groups are not available.
func setProcessGroup(*exec.Cmd) {}

// killGroup does nothing; the child itself is killed by its process
// handle.
func killGroup(int) {}
