package plugincli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/decision-gate/dgw/host/trust"
	"github.com/decision-gate/dgw/host/wasm"
)

func keygen(_ context.Context, args []string, stdout io.Writer) error {
	f := newFlags("keygen")
	out := f.String("out", "", "path prefix: writes PREFIX.key and PREFIX.pub")
	alg := f.String("alg", trust.AlgECDSAP256, "key algorithm: ecdsa-p256 (cosign compatible) or ed25519")
	encrypt := f.Bool("encrypt", false, "encrypt the private key in cosign's format")
	pwEnv := f.String("password-env", "COSIGN_PASSWORD", "environment variable holding the password for --encrypt")
	if err := parse(f, args, stdout); err != nil {
		return err
	}
	if err := required("out", *out); err != nil {
		return err
	}
	var pw []byte
	if *encrypt {
		var err error
		if pw, err = password(*pwEnv); err != nil {
			return err
		}
	}
	privPEM, pubPEM, err := trust.GenerateKey(*alg, pw)
	if err != nil {
		return err
	}
	if err := writeNew(*out+".key", privPEM, 0o600); err != nil {
		return err
	}
	if err := writeNew(*out+".pub", pubPEM, 0o644); err != nil {
		return err
	}
	pub, err := trust.ParsePublicKey(pubPEM)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s.key and %s.pub (%s)\n", *out, *out, pub)
	return nil
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func sign(_ context.Context, args []string, stdout io.Writer) error {
	f := newFlags("sign")
	keyPath := f.String("key", "", "private key (PKCS#8 PEM or cosign encrypted)")
	pwEnv := f.String("password-env", "COSIGN_PASSWORD", "environment variable holding the password of an encrypted key")
	module := f.String("module", "", "the .wasm module")
	manifest := f.String("manifest", "", "the provider manifest; rewritten with the module digest and signer")
	sigPath := f.String("signature", "", "signature output (default: MANIFEST.sig)")
	if err := parse(f, args, stdout); err != nil {
		return err
	}
	if err := required("key", *keyPath, "module", *module, "manifest", *manifest); err != nil {
		return err
	}
	if *sigPath == "" {
		*sigPath = *manifest + ".sig"
	}
	keyPEM, err := os.ReadFile(*keyPath)
	if err != nil {
		return err
	}
	var pw []byte
	if bytes.Contains(keyPEM, []byte("ENCRYPTED")) {
		if pw, err = password(*pwEnv); err != nil {
			return err
		}
	}
	key, err := trust.ParsePrivateKey(keyPEM, pw)
	if err != nil {
		return fmt.Errorf("%s: %w", *keyPath, err)
	}
	wasmBytes, err := os.ReadFile(*module)
	if err != nil {
		return err
	}
	skeleton, err := os.ReadFile(*manifest)
	if err != nil {
		return err
	}
	signed, sig, err := trust.SignManifest(skeleton, wasmBytes, key)
	if err != nil {
		return fmt.Errorf("%s: %w", *manifest, err)
	}
	if err := os.WriteFile(*manifest, signed, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(*sigPath, sig, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "signed %s (module %s, sha256 %s) with %s; signature in %s\n",
		*manifest, *module, trust.Digest(wasmBytes).SHA256, key.Public().Fingerprint, *sigPath)
	return nil
}

// moduleFlags are the flags verify and inspect share.
type moduleFlags struct {
	module, manifest, signature *string
	keys                        multiFlag
	scopes                      multiFlag
}

func addModuleFlags(f *flag.FlagSet) *moduleFlags {
	m := &moduleFlags{
		module:    f.String("module", "", "the .wasm module"),
		manifest:  f.String("manifest", "", "the provider manifest"),
		signature: f.String("signature", "", "the detached signature (default: MANIFEST.sig)"),
	}
	f.Var(&m.keys, "key", "trusted public key (PEM); repeat for several")
	f.Var(&m.scopes, "scope", "provider names the keys may sign ('acme.*'); repeatable; default any")
	return m
}

// files reads the module, manifest and (optional) signature.
func (m *moduleFlags) files() (trust.ModuleFiles, error) {
	sigPath := *m.signature
	if sigPath == "" {
		sigPath = *m.manifest + ".sig"
	}
	mf := trust.ModuleFiles{ModuleName: *m.module, ManifestName: *m.manifest, SignatureName: sigPath}
	var err error
	if mf.Module, err = os.ReadFile(*m.module); err != nil {
		return mf, err
	}
	if mf.Manifest, err = os.ReadFile(*m.manifest); err != nil {
		return mf, err
	}
	if mf.Signature, err = os.ReadFile(sigPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return mf, err
	}
	return mf, nil
}

func (m *moduleFlags) trusted() ([]*trust.PublicKey, error) {
	scope := []string(m.scopes)
	if len(scope) == 0 {
		scope = []string{"*"}
	}
	var out []*trust.PublicKey
	for _, p := range m.keys {
		k, err := trust.LoadPublicKey(p, scope...)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func verify(_ context.Context, args []string, stdout io.Writer) error {
	f := newFlags("verify")
	mf := addModuleFlags(f)
	if err := parse(f, args, stdout); err != nil {
		return err
	}
	if err := required("module", *mf.module, "manifest", *mf.manifest); err != nil {
		return err
	}
	if len(mf.keys) == 0 {
		return usageError{"--key is required"}
	}
	keys, err := mf.trusted()
	if err != nil {
		return err
	}
	files, err := mf.files()
	if err != nil {
		return err
	}
	v, err := trust.VerifyModule(files, keys, false)
	if err != nil {
		return err
	}
	m := v.Manifest
	fmt.Fprintf(stdout, "ok: %s %s, module sha256 %s (%d bytes), signed by %s\n",
		m.Name, m.Version, m.Wasm.SHA256, m.Wasm.Size, v.Signer)
	return nil
}

func inspect(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("inspect")
	mf := addModuleFlags(f)
	if err := parse(f, args, stdout); err != nil {
		return err
	}
	if err := required("module", *mf.module); err != nil {
		return err
	}
	wasmBytes, err := os.ReadFile(*mf.module)
	if err != nil {
		return err
	}
	w := &lineWriter{w: stdout}
	d := trust.Digest(wasmBytes)
	w.printf("module:       %s", *mf.module)
	w.printf("sha256:       %s (%d bytes)", d.SHA256, d.Size)
	if *mf.manifest != "" {
		if err := inspectManifest(w, mf, wasmBytes); err != nil {
			return err
		}
	}
	ins, err := wasm.Inspect(ctx, wasmBytes, nil)
	if ins != nil {
		w.printf("abi:          %s", orNone(ins.ABI))
		w.printf("imports need: %s", orNone(strings.Join(ins.Capabilities, ", ")))
	}
	if err != nil {
		return err
	}
	desc := ins.Describe
	w.printf("provider:     %s %s (%s)", desc.ProviderID, desc.Version, desc.Name)
	for _, c := range desc.Checks {
		w.printf("check:        %s [%s] %s", c.CheckID, c.Determinism, c.Description)
	}
	return w.err
}

func inspectManifest(w *lineWriter, mf *moduleFlags, wasmBytes []byte) error {
	files, err := mf.files()
	if err != nil {
		return err
	}
	m, err := trust.ParseManifest(files.Manifest)
	if err != nil {
		return fmt.Errorf("%s: %w", *mf.manifest, err)
	}
	w.printf("manifest:     %s %s, abi %s", m.Name, m.Version, m.ABI)
	w.printf("requests:     %s", orNone(strings.TrimSpace(string(m.Capabilities))))
	w.printf("limits:       %+v", m.Limits)
	w.printf("signer:       %s", orNone(m.Signer))
	if m.MatchModule(*mf.module, wasmBytes) != nil {
		w.printf("digest:       MISMATCH: the manifest pins sha256 %s", m.Wasm.SHA256)
	} else {
		w.printf("digest:       matches the manifest")
	}
	if len(mf.keys) == 0 {
		return nil
	}
	keys, err := mf.trusted()
	if err != nil {
		return err
	}
	if v, err := trust.VerifyModule(files, keys, false); err != nil {
		w.printf("signature:    INVALID: %v", err)
	} else {
		w.printf("signature:    valid, %s", v.Signer)
	}
	return nil
}

func orNone(s string) string {
	if s == "" || s == "{}" {
		return "(none)"
	}
	return s
}

// lineWriter prints lines and remembers the first write error.
type lineWriter struct {
	w   io.Writer
	err error
}

func (l *lineWriter) printf(format string, args ...any) {
	if l.err == nil {
		_, l.err = fmt.Fprintf(l.w, format+"\n", args...)
	}
}
