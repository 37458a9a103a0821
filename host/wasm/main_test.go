package wasm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/trust"
)

// Fixtures shared by every test: the Go guest (built once, ~5 s), a signing
// key pair, and the committed WAT modules.
var (
	goGuest      []byte
	goGuestErr   error
	testKey      *trust.PrivateKey
	testPub      *trust.PublicKey
	otherPub     *trust.PublicKey
	fixtureSetup sync.Once
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dgw-wasm-guest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	goGuest, goGuestErr = buildGoGuest(dir)
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// buildGoGuest compiles testdata/guest the way a provider is built:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o guest.wasm ./testdata/guest
func buildGoGuest(dir string) ([]byte, error) {
	out := filepath.Join(dir, "guest.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "./testdata/guest")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build Go guest: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

func keys(t testing.TB) {
	t.Helper()
	fixtureSetup.Do(func() {
		newKey := func() (*trust.PrivateKey, *trust.PublicKey) {
			privPEM, pubPEM, err := trust.GenerateKey(trust.AlgECDSAP256, nil)
			if err != nil {
				panic(err)
			}
			k, _ := trust.ParsePrivateKey(privPEM, nil)
			p, _ := trust.ParsePublicKey(pubPEM, "*")
			return k, p
		}
		testKey, testPub = newKey()
		_, otherPub = newKey()
	})
}

func guest(t testing.TB) []byte {
	t.Helper()
	if goGuestErr != nil {
		t.Fatal(goGuestErr)
	}
	return goGuest
}

func wat(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "wat", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// guestCaps is the capability request of the Go guest, which calls every
// host function.
const guestCaps = `{"log/v1":{},"env/v1/get":{"keys":["*"]},"fs/v1/read":{},"http/v1/fetch":{"hosts":["*"],"allow_http":true,"allow_private":true}}`

// signedSpec signs a manifest for wasm with the test key and returns a spec
// trusting that key.
func signedSpec(t testing.TB, wasm []byte, name, caps string) LoadSpec {
	t.Helper()
	keys(t)
	skeleton := `{"abi":"pv1","name":"` + name + `","version":"0.0.1","capabilities":` + caps + `}`
	manifest, sig, err := trust.SignManifest([]byte(skeleton), wasm, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return LoadSpec{
		Module: wasm, Manifest: manifest, Signature: sig,
		ModuleName: name + ".wasm", ManifestName: name + "/provider.json", SignatureName: name + "/provider.json.sig",
		TrustedKeys: []*trust.PublicKey{testPub},
	}
}

// load loads spec and closes the module at cleanup.
func load(t testing.TB, spec LoadSpec, opts *Options) *Module {
	t.Helper()
	m, err := Load(context.Background(), spec, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return m
}

// fullGrant grants the Go guest everything, with root as the file root.
func fullGrant(t testing.TB, root string, env map[string]string) (capability.Set, *Options) {
	t.Helper()
	fsg, err := capability.NewFSGrant(root, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	set := capability.Set{
		Log:  &capability.LogGrant{},
		Env:  &capability.EnvGrant{Allowlist: []string{"DEPLOY_ENV", "BIG_VALUE"}, MaxValueBytes: 1 << 20},
		FS:   fsg,
		HTTP: &capability.HTTPGrant{AllowHTTP: true, AllowPrivate: true, Hosts: []capability.HostPattern{{Host: "127.0.0.1"}}},
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return set, &Options{LookupEnv: lookup}
}

var testCtx = evidence.Context{
	TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: "scn", StageID: "stage", TriggerID: "trg",
	TriggerTime: evidence.AtMillis(1710000000000),
}

func query(t testing.TB, m *Module, check, params string) (evidence.Result, error) {
	t.Helper()
	q := evidence.Query{ProviderID: m.ID(), CheckID: check}
	if params != "" {
		q.Params = []byte(params)
	}
	return m.Query(context.Background(), q, testCtx)
}

// noLeaks fails the test when goroutines started during it are still
// running after its cleanups, allowing a short settle time. Call it first,
// so that its cleanup runs last.
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("goroutine leak: %d before, %d after\n%s", before, n, buf)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// logBuffer is a concurrency-safe slog sink for asserting log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) count(s string) int { return strings.Count(l.String(), s) }

func newLogger(l *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

func queryOf(m *Module, check string) evidence.Query {
	return evidence.Query{ProviderID: m.ID(), CheckID: check}
}
