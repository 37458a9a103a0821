//go:build unix

package wasm

import (
	"os"
	"syscall"

	"github.com/decision-gate/dgw/host/errcode"
)

// checkOwner refuses a directory owned by another user.
func checkOwner(dir string, st os.FileInfo) error {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(sys.Uid) != uid {
		return errcode.New(errcode.FailedPrecondition, "wasm: cache directory %s is owned by uid %d, not by the current user (uid %d)", dir, sys.Uid, uid)
	}
	return nil
}
