package mcpclient

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
)

// process is one running stdio child and the pipes to it.
type process struct {
	cmd    *exec.Cmd
	stdin  *os.File // write end
	stdout *os.File // read end
	stderr *os.File // read end, copied into the client's ring
	br     *bufio.Reader

	exited  chan struct{} // closed once Wait has returned
	waitErr error         // set before exited is closed
	drained chan struct{} // closed once stderr copying has stopped

	killOnce sync.Once

	// ready is set once the mcp handshake succeeded; guarded by the
	// client's callMu.
	ready bool
}

// startProcess spawns argv with exactly env as its environment, in its own
// process group, with stderr copied into tail.
func startProcess(argv, env []string, dir string, tail io.Writer) (*process, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(make([]string, 0, len(env)), env...) // never nil: nil would inherit
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	setProcessGroup(cmd)
	err = cmd.Start()
	closeAll(inR, outW, errW)
	if err != nil {
		closeAll(inW, outR, errR)
		return nil, err
	}
	p := &process{
		cmd: cmd, stdin: inW, stdout: outR, stderr: errR,
		br:     bufio.NewReaderSize(outR, 64<<10),
		exited: make(chan struct{}), drained: make(chan struct{}),
	}
	go func() {
		defer close(p.drained)
		_, _ = io.Copy(tail, errR)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		killGroup(cmd.Process.Pid) // whatever the child left behind
		close(p.exited)
	}()
	return p, nil
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}

// alive reports whether the child has not exited yet.
func (p *process) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill kills the child's process group and closes the pipes, which
// unblocks any read or write in progress. It is idempotent and safe to
// call from any goroutine.
func (p *process) kill() {
	p.killOnce.Do(func() {
		if p.alive() {
			killGroup(p.cmd.Process.Pid)
			_ = p.cmd.Process.Kill()
		}
		closeAll(p.stdin, p.stdout, p.stderr)
	})
}

// stop kills the child and waits until it is reaped and its stderr
// copier has stopped.
func (p *process) stop() {
	p.kill()
	<-p.exited
	<-p.drained
}

// exitStatus describes how the child ended, for "mcp process exited: …".
func (p *process) exitStatus() string {
	if p.waitErr == nil {
		return "exit status 0"
	}
	return fmt.Sprint(p.waitErr)
}
