package broker

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"

	"github.com/decision-gate/dgw/host/config"
)

// Binary problem codes (preflight step "binary").
const (
	codeBinaryNotFound   = "binary_not_found"
	codeBinaryReadFailed = "binary_read_failed"
	codeCommandSHA256    = "command_sha256_mismatch"
)

// resolveBinary resolves command[0] of a stdio backend with exec.LookPath
// and, when command_sha256 is set, checks the SHA-256 of the file it
// resolves to. It returns the resolved path, which is what is then
// spawned, so the pinned file and the started file are the same path, and
// the file's stat taken when it was hashed (nil without a pin).
func resolveBinary(p *config.Provider) (string, os.FileInfo, *problem) {
	path, err := exec.LookPath(p.Command[0])
	if err != nil {
		return "", nil, newProblem(codeBinaryNotFound, "command[0]", "%v", err)
	}
	pin := p.CommandSHA256
	if pin == "" {
		return path, nil, nil
	}
	got, fi, err := fileSHA256(path)
	if err != nil {
		return "", nil, newProblem(codeBinaryReadFailed, "command[0]", "%v", err)
	}
	if got != pin {
		return "", nil, newProblem(codeCommandSHA256, "command_sha256", "%s has sha256 %s, the pin is %s", path, got, pin)
	}
	return path, fi, nil
}

// fileSHA256 returns the lower-case hex SHA-256 of a file's contents and
// the file's stat.
func fileSHA256(path string) (string, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), fi, nil
}

// sameFile reports whether the file at path still looks like the one
// stat described: same file (device and inode), size and modification
// time.
func sameFile(path string, stat os.FileInfo) bool {
	fi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, stat) && fi.Size() == stat.Size() && fi.ModTime().Equal(stat.ModTime())
}

// checkPinnedBinary guards the respawns the client makes on its own (a
// child that died between calls is restarted inside the next call): before
// each call on a pinned stdio backend the executable is stat'ed, and
// hashed again when it changed. A mismatch drops the backend.
func (p *Provider) checkPinnedBinary(be Backend) *problem {
	p.mu.Lock()
	path, stat := p.binPath, p.binStat
	p.mu.Unlock()
	if stat == nil || sameFile(path, stat) {
		return nil
	}
	_, fi, pr := resolveBinary(&p.cfg)
	if pr != nil {
		p.dropBackend(be)
		return pr
	}
	p.mu.Lock()
	if p.backend == be {
		p.binStat = fi
	}
	p.mu.Unlock()
	return nil
}
