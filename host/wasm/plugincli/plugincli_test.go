package plugincli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = PluginCommand(args, &o, &e)
	return code, o.String(), e.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestKeygenSignVerifyInspect(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	copyFile(t, filepath.Join("..", "testdata", "wat", "ok.wasm"), p("ok.wasm"))
	if err := os.WriteFile(p("provider.json"), []byte(`{"abi":"pv1","name":"wat","version":"0.0.1","capabilities":{"log/v1":{}}}`), 0o644); err != nil {
		t.Fatal(err)
	}

	if code, out, errOut := run(t, "keygen", "--out", p("author")); code != ExitOK || !strings.Contains(out, "ecdsa-p256 sha256:") {
		t.Fatalf("keygen: %d %q %q", code, out, errOut)
	}
	if st, _ := os.Stat(p("author.key")); st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v", st.Mode())
	}
	if code, _, errOut := run(t, "keygen", "--out", p("author")); code != ExitFail || !strings.Contains(errOut, "exists") {
		t.Fatalf("keygen overwrote: %d %q", code, errOut)
	}
	if code, _, _ := run(t, "keygen", "--out", p("other"), "--alg", "ed25519"); code != ExitOK {
		t.Fatal("ed25519 keygen")
	}

	code, out, errOut := run(t, "sign", "--key", p("author.key"), "--module", p("ok.wasm"), "--manifest", p("provider.json"))
	if code != ExitOK || !strings.Contains(out, "provider.json.sig") {
		t.Fatalf("sign: %d %q %q", code, out, errOut)
	}
	verifyArgs := []string{"verify", "--key", p("author.pub"), "--module", p("ok.wasm"), "--manifest", p("provider.json")}
	if code, out, errOut := run(t, verifyArgs...); code != ExitOK || !strings.HasPrefix(out, "ok: wat 0.0.1") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run(t, append(verifyArgs, "--scope", "acme.*")...); code != ExitFail || !strings.Contains(errOut, "not provider \"wat\"") {
		t.Fatalf("scope: %d %q", code, errOut)
	}
	wrongKey := []string{"verify", "--key", p("other.pub"), "--module", p("ok.wasm"), "--manifest", p("provider.json")}
	if code, _, errOut := run(t, wrongKey...); code != ExitFail || !strings.Contains(errOut, "not among the 1 trusted keys") {
		t.Fatalf("wrong key: %d %q", code, errOut)
	}

	code, out, errOut = run(t, "inspect", "--module", p("ok.wasm"), "--manifest", p("provider.json"), "--key", p("author.pub"))
	for _, want := range []string{"abi:          pv1", "provider:     wat 0.0.1", "check:        run [deterministic]",
		"requests:     {", "log/v1", "signer:       sha256:", "digest:       matches", "signature:    valid"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s%s", want, out, errOut)
		}
	}
	if code != ExitOK {
		t.Fatalf("inspect: %d %q", code, errOut)
	}

	mod, _ := os.ReadFile(p("ok.wasm"))
	if err := os.WriteFile(p("ok.wasm"), append(mod, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, verifyArgs...); code != ExitFail || !strings.Contains(errOut, "ok.wasm") || !strings.Contains(errOut, "modified after signing") {
		t.Fatalf("tampered: %d %q", code, errOut)
	}
	if _, out, _ := run(t, "inspect", "--module", p("ok.wasm"), "--manifest", p("provider.json")); !strings.Contains(out, "MISMATCH") {
		t.Fatalf("inspect of a tampered module:\n%s", out)
	}
}

func TestEncryptedKey(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	if code, _, errOut := run(t, "keygen", "--out", p("k"), "--encrypt", "--password-env", "DG_TEST_UNSET_PW"); code != ExitFail || !strings.Contains(errOut, "DG_TEST_UNSET_PW") {
		t.Fatalf("keygen without password: %d %q", code, errOut)
	}
	t.Setenv("DG_TEST_PW", "correct horse")
	if code, _, errOut := run(t, "keygen", "--out", p("k"), "--encrypt", "--password-env", "DG_TEST_PW"); code != ExitOK {
		t.Fatalf("keygen: %q", errOut)
	}
	if b, _ := os.ReadFile(p("k.key")); !bytes.Contains(b, []byte("ENCRYPTED SIGSTORE PRIVATE KEY")) {
		t.Fatal("key not in cosign's encrypted format")
	}
	copyFile(t, filepath.Join("..", "testdata", "wat", "ok.wasm"), p("ok.wasm"))
	_ = os.WriteFile(p("m.json"), []byte(`{"abi":"pv1","name":"wat","version":"0.0.1"}`), 0o644)
	signArgs := []string{"sign", "--key", p("k.key"), "--module", p("ok.wasm"), "--manifest", p("m.json"), "--password-env", "DG_TEST_PW"}
	if code, _, errOut := run(t, signArgs...); code != ExitOK {
		t.Fatalf("sign: %q", errOut)
	}
	t.Setenv("DG_TEST_PW", "wrong")
	if code, _, _ := run(t, signArgs...); code != ExitFail {
		t.Fatal("wrong password accepted")
	}
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, ExitUsage, "usage: decision-gate plugin"},
		{[]string{"frobnicate"}, ExitUsage, `unknown subcommand "frobnicate"`},
		{[]string{"sign", "--module", "x"}, ExitUsage, "--key is required"},
		{[]string{"verify", "--module", "x", "--manifest", "y"}, ExitUsage, "--key is required"},
		{[]string{"keygen", "--bogus"}, ExitUsage, "flag provided but not defined"},
		{[]string{"inspect", "--module", "x", "extra"}, ExitUsage, "unexpected arguments"},
		{[]string{"keygen", "--out", "/nonexistent-dir/k", "--alg", "rsa"}, ExitFail, "key algorithm"},
	}
	for _, tc := range cases {
		code, _, errOut := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: %d %q, want %d %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
	if code, out, _ := run(t, "verify", "-h"); code != ExitUsage || !strings.Contains(out, "-scope") {
		t.Errorf("help: %d %q", code, out)
	}
}
