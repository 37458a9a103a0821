package wasm

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/trust"
)

func TestLoadWAT(t *testing.T) {
	noLeaks(t)
	spec := signedSpec(t, wat(t, "ok"), "wat", `{}`)
	spec.Transport = provider.Builtin
	spec.Limits = Limits{PoolSize: 2}
	m := load(t, spec, nil)
	if m.ID() != "wat" || m.Contract().ProviderID != "wat" || m.Contract().Transport != provider.Builtin {
		t.Fatalf("id %s contract %+v", m.ID(), m.Contract())
	}
	if m.Signer() != testPub || m.Manifest().Version != "0.0.1" || len(m.Grant().Names()) != 0 {
		t.Fatalf("signer %v manifest %+v grant %v", m.Signer(), m.Manifest(), m.Grant().Names())
	}
	if l := m.Limits(); l.TimeoutMS != DefaultTimeoutMS || l.MemoryPages != DefaultMemoryPages || l.PoolSize != 2 {
		t.Fatalf("limits %+v", l)
	}
	res, err := query(t, m, "run", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Value == nil || string(res.Value.JSON) != "true" || *res.ContentType != "application/json" {
		t.Fatalf("result %+v", res)
	}
}

func TestLoadFailures(t *testing.T) {
	noLeaks(t)
	keys(t)
	ok := wat(t, "ok")
	good := signedSpec(t, ok, "wat", `{}`)
	edit := func(f func(s *LoadSpec)) LoadSpec {
		s := good
		s.Module = append([]byte(nil), good.Module...)
		s.Manifest = append([]byte(nil), good.Manifest...)
		f(&s)
		return s
	}
	cases := []struct {
		name     string
		spec     LoadSpec
		code     errcode.Code
		sentinel error
		msg      []string
	}{
		{"undeclared import", signedSpec(t, wat(t, "undeclared"), "wat", `{}`), errcode.ABIMismatch, nil,
			[]string{"dg_pv1.launch_missiles", "does not define"}},
		{"foreign import", signedSpec(t, wat(t, "foreign"), "wat", `{}`), errcode.ABIMismatch, nil,
			[]string{"env.abort", "may import only"}},
		{"capability not requested", signedSpec(t, wat(t, "httpimport"), "wat", `{}`), errcode.CapabilityDenied, nil,
			[]string{"dg_pv1.http_fetch", "http/v1/fetch", "manifest does not request"}},
		{"capability not granted", signedSpec(t, wat(t, "httpimport"), "wat", `{"http/v1/fetch":{"hosts":["*"]}}`), errcode.CapabilityDenied, nil,
			[]string{"http/v1/fetch", "operator did not grant"}},
		{"wrong abi version", signedSpec(t, wat(t, "v2"), "wat", `{}`), errcode.ABIMismatch, nil,
			[]string{"pv_abi_v2", "only pv1"}},
		{"not a pv1 module", signedSpec(t, []byte("\x00asm\x01\x00\x00\x00"), "wat", `{}`), errcode.ABIMismatch, nil,
			[]string{"no pv_abi_v1 export"}},
		{"not wasm", signedSpec(t, []byte("#!/bin/sh\necho pwned\n"), "wat", `{}`), errcode.InvalidArgument, nil,
			[]string{"bad magic"}},
		{"bad export signature", signedSpec(t, wat(t, "badsig"), "wat", `{}`), errcode.ABIMismatch, nil,
			[]string{"pv_alloc", "(i64)"}},
		{"describe names another provider", signedSpec(t, wat(t, "wrongid"), "wat", `{}`), errcode.SignatureInvalid, nil,
			[]string{`"other"`, `"wat"`}},
		{"manifest names another version", edit(func(s *LoadSpec) {
			m, _ := trust.ParseManifest(s.Manifest)
			m.Version = "9.9.9"
			man, _ := m.Encode()
			s.Manifest, s.Signature, _ = trust.SignManifest(man, s.Module, testKey)
		}), errcode.SignatureInvalid, nil, []string{`"0.0.1"`, `"9.9.9"`}},
		{"tampered module", edit(func(s *LoadSpec) { s.Module[len(s.Module)-1] ^= 1 }), errcode.SignatureInvalid, trust.ErrModuleTampered,
			[]string{"wat.wasm", "modified after signing"}},
		{"tampered manifest", edit(func(s *LoadSpec) {
			s.Manifest = bytes.Replace(s.Manifest, []byte(`"0.0.1"`), []byte(`"0.0.2"`), 1)
		}), errcode.SignatureInvalid, trust.ErrManifestTampered, []string{"wat/provider.json", "changed after signing"}},
		{"capability escalation by manifest edit", edit(func(s *LoadSpec) {
			s.Manifest = bytes.Replace(s.Manifest, []byte(`"capabilities": {}`), []byte(`"capabilities": {"env/v1/get": {"keys": ["*"]}}`), 1)
		}), errcode.SignatureInvalid, trust.ErrManifestTampered, []string{"wat/provider.json", "capabilities"}},
		{"wrong signer key", edit(func(s *LoadSpec) { s.TrustedKeys = []*trust.PublicKey{otherPub} }), errcode.SignatureInvalid, trust.ErrUntrustedSigner,
			[]string{"wat/provider.json", testPub.Fingerprint}},
		{"unsigned", edit(func(s *LoadSpec) { s.Signature = nil }), errcode.SignatureInvalid, trust.ErrUnsigned,
			[]string{"wat/provider.json.sig"}},
		{"bad manifest capability", edit(func(s *LoadSpec) {
			s.Manifest, s.Signature, _ = trust.SignManifest([]byte(`{"abi":"pv1","name":"wat","version":"0.0.1","capabilities":{"net/v1/raw":{}}}`), s.Module, testKey)
		}), errcode.InvalidArgument, nil, []string{"net/v1/raw"}},
		{"missing file", LoadSpec{ModulePath: "testdata/wat/nope.wasm"}, errcode.NotFound, nil, []string{"nope.wasm"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Load(context.Background(), tc.spec, nil)
			if err == nil {
				_ = m.Close(context.Background())
				t.Fatal("Load succeeded")
			}
			if errcode.Of(err) != tc.code {
				t.Fatalf("code %s, want %s: %v", errcode.Of(err), tc.code, err)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("err %v is not %v", err, tc.sentinel)
			}
			for _, s := range tc.msg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestLoadUnsignedAllowed(t *testing.T) {
	noLeaks(t)
	var logs logBuffer
	spec := signedSpec(t, wat(t, "ok"), "wat", `{}`)
	spec.Signature, spec.AllowUnsigned, spec.TrustedKeys = nil, true, nil
	m := load(t, spec, &Options{Logger: newLogger(&logs)})
	if m.Signer() != nil || logs.count("LOADING UNSIGNED PROVIDER MODULE") != 1 {
		t.Fatalf("signer %v, logs:\n%s", m.Signer(), logs.String())
	}
}

func TestLoadGrantIntersection(t *testing.T) {
	noLeaks(t)
	var logs logBuffer
	spec := signedSpec(t, wat(t, "ok"), "wat", `{"clock/v1":{}}`)
	spec.Grant = capability.Set{Env: &capability.EnvGrant{Allowlist: []string{"*"}}}
	m := load(t, spec, &Options{Logger: newLogger(&logs)})
	if len(m.Grant().Names()) != 0 {
		t.Fatalf("grant %v", m.Grant().Names())
	}
	out := logs.String()
	if !strings.Contains(out, "operator grant ignored") || !strings.Contains(out, "capability=env/v1/get") ||
		!strings.Contains(out, "requested but not granted") || !strings.Contains(out, "capability=clock/v1") {
		t.Fatalf("logs:\n%s", out)
	}
}

func TestLoadFromPaths(t *testing.T) {
	noLeaks(t)
	spec := signedSpec(t, wat(t, "ok"), "wat", `{}`)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := dir + "/" + name
		if err := writeFile(p, b); err != nil {
			t.Fatal(err)
		}
		return p
	}
	paths := LoadSpec{
		ModulePath: write("ok.wasm", spec.Module), ManifestPath: write("provider.json", spec.Manifest),
		SignaturePath: write("provider.json.sig", spec.Signature), TrustedKeys: spec.TrustedKeys,
	}
	load(t, paths, nil)

	paths.SignaturePath = dir + "/absent.sig"
	_, err := Load(context.Background(), paths, nil)
	if !errors.Is(err, trust.ErrUnsigned) || !strings.Contains(err.Error(), "absent.sig") {
		t.Fatalf("missing signature file: %v", err)
	}
}
