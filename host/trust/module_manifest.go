package trust

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/errcode"
)

// Manifest is a provider manifest (provider.json): what a signature over a
// module covers. The author writes it (the sign command fills in Wasm and
// Signer); the host reads it before compiling anything.
//
//	{
//	  "abi": "pv1",
//	  "name": "acme.junit",
//	  "version": "1.2.0",
//	  "wasm": {"sha256": "<64 hex>", "size": 3253498},
//	  "signer": "sha256:<key fingerprint>",
//	  "capabilities": {"fs/v1/read": {"max_bytes": 1048576}, "log/v1": {}},
//	  "limits": {"timeout_ms": 2000, "memory_pages": 512}
//	}
//
// Capabilities holds the capability request, keyed by capability name; the
// host parses it (capability.ParseRequest) and intersects it with the
// operator's grant. Signer is optional; when set, it names the key that must
// have signed the manifest, which lets verification tell a wrong signer from
// a modified manifest.
type Manifest struct {
	ABI          string          `json:"abi"`
	Name         string          `json:"name"`
	Version      string          `json:"version"`
	Wasm         ModuleDigest    `json:"wasm"`
	Signer       string          `json:"signer,omitempty"`
	Capabilities json.RawMessage `json:"capabilities"`
	Limits       ManifestLimits  `json:"limits"`
}

// ModuleDigest pins the module bytes.
type ModuleDigest struct {
	SHA256 string `json:"sha256"` // lower-case hex
	Size   int64  `json:"size"`
}

// ManifestLimits are the limits a module asks for; zero means the host's
// default. The operator's configuration overrides them.
type ManifestLimits struct {
	TimeoutMS      int    `json:"timeout_ms,omitempty"`
	MemoryPages    uint32 `json:"memory_pages,omitempty"`
	MaxInputBytes  int    `json:"max_input_bytes,omitempty"`
	MaxOutputBytes int    `json:"max_output_bytes,omitempty"`
	PoolSize       int    `json:"pool_size,omitempty"`
}

var (
	providerName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	hexDigest    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// MaxManifestBytes caps a manifest file.
const MaxManifestBytes = 64 << 10

// ParseManifest decodes and checks a manifest. Unknown fields are errors.
//
// # Errors
//
// errcode.ABIMismatch when abi is not "pv1"; errcode.InvalidArgument for
// anything else malformed.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestBytes {
		return nil, errcode.New(errcode.InvalidArgument, "manifest is %d bytes, limit %d", len(b), MaxManifestBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, errcode.New(errcode.InvalidArgument, "manifest: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errcode.New(errcode.InvalidArgument, "manifest: trailing data after the JSON object")
	}
	if string(bytes.TrimSpace(m.Capabilities)) == "null" {
		m.Capabilities = nil
	}
	if m.ABI != abi.Version {
		return nil, errcode.New(errcode.ABIMismatch, "manifest abi is %q; this host serves %q", m.ABI, abi.Version)
	}
	switch {
	case !providerName.MatchString(m.Name):
		return nil, errcode.New(errcode.InvalidArgument, "manifest name %q: want 1-64 of [a-z0-9_.-], starting alphanumeric", m.Name)
	case m.Version == "":
		return nil, errcode.New(errcode.InvalidArgument, "manifest version is empty")
	case !hexDigest.MatchString(m.Wasm.SHA256):
		return nil, errcode.New(errcode.InvalidArgument, "manifest wasm.sha256 must be 64 lower-case hex digits")
	case m.Wasm.Size <= 0:
		return nil, errcode.New(errcode.InvalidArgument, "manifest wasm.size must be positive")
	case len(m.Capabilities) > 0 && bytes.TrimSpace(m.Capabilities)[0] != '{':
		return nil, errcode.New(errcode.InvalidArgument, "manifest capabilities must be an object")
	case m.Limits.TimeoutMS < 0 || m.Limits.MaxInputBytes < 0 || m.Limits.MaxOutputBytes < 0 || m.Limits.PoolSize < 0:
		return nil, errcode.New(errcode.InvalidArgument, "manifest limits must not be negative")
	}
	return &m, nil
}

// Digest returns the module digest of wasm as a manifest records it.
func Digest(wasm []byte) ModuleDigest {
	sum := sha256.Sum256(wasm)
	return ModuleDigest{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(wasm))}
}

// MatchModule checks wasm against the manifest's digest.
//
// # Errors
//
// [ErrModuleTampered], coded errcode.SignatureInvalid, naming moduleName.
func (m *Manifest) MatchModule(moduleName string, wasm []byte) error {
	if got := Digest(wasm); got != m.Wasm {
		return signatureError(fmt.Errorf("%w: %s: sha256 %s (%d bytes) does not match the manifest's %s (%d bytes); the module was modified after signing",
			ErrModuleTampered, moduleName, short(got.SHA256), got.Size, short(m.Wasm.SHA256), m.Wasm.Size))
	}
	return nil
}

// short abbreviates a hex digest for messages.
func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// Encode returns the manifest as indented JSON with a final newline, the
// form the sign command writes. Absent capabilities are written as {}.
func (m *Manifest) Encode() ([]byte, error) {
	out := *m
	if len(bytes.TrimSpace(out.Capabilities)) == 0 {
		out.Capabilities = json.RawMessage("{}")
	}
	b, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("trust: encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}
