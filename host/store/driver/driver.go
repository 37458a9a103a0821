package driver

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Version numbers the stored versions of one run: 1 for the first, one
// more for each append. 0 means "none".
type Version uint64

// Checksum is the SHA-256 of a blob, computed by the writer and stored
// beside it.
type Checksum [sha256.Size]byte

// Sum returns the checksum of b.
func Sum(b []byte) Checksum { return sha256.Sum256(b) }

// String returns the lowercase hex form.
func (c Checksum) String() string { return hex.EncodeToString(c[:]) }

// ParseChecksum parses the lowercase or uppercase hex form of a checksum.
// A backend that stores checksums as text uses it on read; a value of the
// wrong length or with non-hex characters is errcode.DataLoss.
func ParseChecksum(s string) (Checksum, error) {
	var c Checksum
	if len(s) != 2*len(c) {
		return c, errcode.New(errcode.DataLoss, "store: checksum %q has %d characters, want %d", truncate(s), len(s), 2*len(c))
	}
	if _, err := hex.Decode(c[:], []byte(s)); err != nil {
		return c, errcode.New(errcode.DataLoss, "store: checksum %q is not hex", truncate(s))
	}
	return c, nil
}

// ChecksumFromBytes copies a 32-byte checksum read from storage; any other
// length is errcode.DataLoss.
func ChecksumFromBytes(b []byte) (Checksum, error) {
	var c Checksum
	if len(b) != len(c) {
		return c, errcode.New(errcode.DataLoss, "store: checksum has %d bytes, want %d", len(b), len(c))
	}
	copy(c[:], b)
	return c, nil
}

// Record is one stored version of a run.
type Record struct {
	Key      scenario.RunKey
	Version  Version
	Blob     []byte   // the canonical JSON of the run state, as written
	Checksum Checksum // as written with Blob
}

// VersionInfo describes one kept version of a run.
type VersionInfo struct {
	Version  Version
	Checksum Checksum
	Size     int // length of the blob in bytes
}

// RunInfo describes one stored run.
type RunInfo struct {
	Key      scenario.RunKey
	Latest   Version // the newest version
	Versions int     // how many versions are kept
}

// ListOptions selects and pages runs for [Store.List].
type ListOptions struct {
	// TenantID, when not 0, keeps only runs of that tenant.
	TenantID evidence.TenantID
	// NamespaceID, when not 0, keeps only runs of that namespace; it
	// requires TenantID.
	NamespaceID evidence.NamespaceID
	// After, when set, starts the page with the first key strictly after
	// it in [Compare] order; it need not exist.
	After *scenario.RunKey
	// Limit is the page size, at least 1.
	Limit int
}

// Spec is one stored scenario definition.
type Spec struct {
	ScenarioID string
	Blob       []byte   // the canonical JSON of the spec
	Checksum   Checksum // as written; for canonical JSON it is the spec hash
}

// LatestLoader is implemented by backends where reading a run state costs
// more than asking which version is the latest: a database server that
// decompresses and transfers every blob it returns. The store uses it to
// serve a state it already holds, verified, without reading it again.
type LatestLoader interface {
	// LoadUnlessLatest is Load, except that when the run's latest version
	// is v and its stored checksum is sum it returns unchanged = true and
	// a Record without Blob, the blob neither read nor sent.
	LoadUnlessLatest(ctx context.Context, key scenario.RunKey, v Version, sum Checksum) (rec Record, unchanged bool, err error)
}

// Store is a run-state storage backend. See the package documentation for
// the contract every method follows.
type Store interface {
	// Load returns the latest version of a run, or [ErrNotFound].
	Load(ctx context.Context, key scenario.RunKey) (Record, error)

	// Get returns one kept version of a run, or [ErrNotFound] when the run
	// or that version (never written, or pruned) is absent.
	Get(ctx context.Context, key scenario.RunKey, v Version) (Record, error)

	// Create stores version 1 of a new run and returns 1, or
	// [ErrAlreadyExists] when the key is taken.
	Create(ctx context.Context, key scenario.RunKey, blob []byte, sum Checksum) (Version, error)

	// Append stores a new version of a run if its latest version is prev,
	// and returns prev+1. It fails with [ErrConflict] when the latest
	// version is not prev and [ErrNotFound] when the run does not exist.
	// keep > 0 prunes, in the same atomic write, every version older than
	// the newest keep; keep 0 keeps all; keep < 0 is errcode.InvalidArgument.
	Append(ctx context.Context, key scenario.RunKey, blob []byte, sum Checksum, prev Version, keep int) (Version, error)

	// Versions lists the kept versions of a run, oldest first, or
	// [ErrNotFound].
	Versions(ctx context.Context, key scenario.RunKey) ([]VersionInfo, error)

	// List returns up to opts.Limit runs in [Compare] order.
	List(ctx context.Context, opts ListOptions) ([]RunInfo, error)

	// Prune deletes every version of a run older than its newest keep
	// (keep >= 1, else errcode.InvalidArgument) and returns how many it
	// deleted, or [ErrNotFound].
	Prune(ctx context.Context, key scenario.RunKey, keep int) (int, error)

	// PutSpec stores a scenario definition, or fails with
	// [ErrAlreadyExists] when the scenario id is taken (whatever the
	// stored bytes). Specs are never replaced or deleted.
	PutSpec(ctx context.Context, spec Spec) error

	// GetSpec returns a stored scenario definition, or [ErrNotFound].
	GetSpec(ctx context.Context, scenarioID string) (Spec, error)

	// ListSpecs returns up to limit (>= 1) stored scenario ids in byte
	// order, starting strictly after after ("" means from the start).
	ListSpecs(ctx context.Context, after string, limit int) ([]string, error)

	// Close releases the backend. It is idempotent.
	Close() error
}

// The expected outcomes of [Store] calls. Backends return these (or wrap
// them with [errcode.Wrap]).
var (
	ErrNotFound      = errcode.New(errcode.NotFound, "run state not found")
	ErrAlreadyExists = errcode.New(errcode.AlreadyExists, "run state already exists")
	ErrConflict      = errcode.New(errcode.Conflict, "run state changed concurrently")
	ErrClosed        = errcode.New(errcode.Unavailable, "run state store is closed")
)

// Compare orders run keys by tenant, then namespace, then run id as bytes.
func Compare(a, b scenario.RunKey) int {
	if c := cmp.Compare(a.TenantID, b.TenantID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.NamespaceID, b.NamespaceID); c != 0 {
		return c
	}
	return strings.Compare(a.RunID, b.RunID)
}

// KeyPrefixLen is the length of the fixed (tenant, namespace) part of an
// encoded key.
const KeyPrefixLen = 16

// EncodeKey returns a byte key whose byte order is [Compare] order: the
// tenant and namespace as 8-byte big-endian integers, then the run id.
func EncodeKey(k scenario.RunKey) []byte {
	b := make([]byte, KeyPrefixLen, KeyPrefixLen+len(k.RunID))
	binary.BigEndian.PutUint64(b, uint64(k.TenantID))
	binary.BigEndian.PutUint64(b[8:], uint64(k.NamespaceID))
	return append(b, k.RunID...)
}

// ScopePrefix returns the encoded-key prefix shared by every run that
// matches the tenant and namespace filters of opts (empty when it has
// none).
func ScopePrefix(opts ListOptions) []byte {
	switch {
	case opts.TenantID == 0:
		return nil
	case opts.NamespaceID == 0:
		return binary.BigEndian.AppendUint64(nil, uint64(opts.TenantID))
	}
	return EncodeKey(scenario.RunKey{TenantID: opts.TenantID, NamespaceID: opts.NamespaceID})
}

// DecodeKey reverses [EncodeKey]; a key shorter than [KeyPrefixLen] is
// errcode.DataLoss.
func DecodeKey(b []byte) (scenario.RunKey, error) {
	if len(b) < KeyPrefixLen {
		return scenario.RunKey{}, errcode.New(errcode.DataLoss, "store: run key %x is shorter than %d bytes", truncate(string(b)), KeyPrefixLen)
	}
	return scenario.RunKey{
		TenantID:    evidence.TenantID(binary.BigEndian.Uint64(b)),
		NamespaceID: evidence.NamespaceID(binary.BigEndian.Uint64(b[8:])),
		RunID:       string(b[KeyPrefixLen:]),
	}, nil
}

// CheckListOptions reports options the contract rules out (a limit below
// 1, a namespace without a tenant) as errcode.InvalidArgument.
func CheckListOptions(opts ListOptions) error {
	switch {
	case opts.Limit < 1:
		return errcode.New(errcode.InvalidArgument, "store: list limit %d is below 1", opts.Limit)
	case opts.NamespaceID != 0 && opts.TenantID == 0:
		return errcode.New(errcode.InvalidArgument, "store: a namespace filter needs a tenant filter")
	}
	return nil
}

// CheckKeep reports a keep count the contract rules out (below min) as
// errcode.InvalidArgument.
func CheckKeep(keep, min int) error {
	if keep < min {
		return errcode.New(errcode.InvalidArgument, "store: keep %d is below %d", keep, min)
	}
	return nil
}

// NotFoundVersion is the error for a run version that is not kept.
func NotFoundVersion(key scenario.RunKey, v Version) error {
	return fmt.Errorf("run %s version %d: %w", key, v, ErrNotFound)
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
