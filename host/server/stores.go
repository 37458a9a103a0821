package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/boltreg"
	regdriver "github.com/decision-gate/dgw/host/registry/driver"
	"github.com/decision-gate/dgw/host/registry/memreg"
	"github.com/decision-gate/dgw/host/registry/sqlitereg"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/boltstore"
	"github.com/decision-gate/dgw/host/store/memstore"
	"github.com/decision-gate/dgw/host/store/sqlitestore"
)

// stores is what [run_state_store] builds: the engine's run store and,
// for durable backends, its spec store (the same *store.Store).
type stores struct {
	runs  engine.RunStore
	specs engine.SpecStore // nil in memory mode: specs live and die with the process
}

// runStateStore opens [run_state_store] and registers its Close. Durable
// backends persist scenario specs too; memory keeps both in the process,
// like the reference.
func (s *Server) runStateStore() (stores, error) {
	rs := s.cfg.RunStateStore
	if err := distinctStorePaths(s.cfg); err != nil {
		return stores{}, err
	}
	if rs.Type == config.StoreMemory || rs.Type == "" {
		s.log.Info("run state store", "type", string(config.StoreMemory), "durable", false,
			"note", "runs and scenario definitions are lost on restart")
		return stores{runs: memstore.New()}, nil
	}
	if err := ensureDir(rs.Store); err != nil {
		return stores{}, fmt.Errorf("run_state_store.path: %w", err)
	}
	st, err := openRunStore(rs, s.log)
	if err != nil {
		return stores{}, fmt.Errorf("run_state_store (%s %s): %w", rs.Type, filePath(rs.Path), err)
	}
	s.onClose(st.Close)
	attrs := []any{"type", string(rs.Type), "path", filePath(rs.Path), "durable", true,
		"max_versions", st.MaxVersions(), "specs", "persisted"}
	if rs.Type == config.StoreSQLite {
		attrs = append(attrs, "journal_mode", rs.JournalMode, "sync_mode", rs.SyncMode, "busy_timeout_ms", rs.BusyTimeoutMS)
	}
	s.log.Info("run state store", attrs...)
	return stores{runs: st, specs: st}, nil
}

// OpenRunStore opens the durable run-state store a [run_state_store]
// table selects (for admin tools such as "decision-gate store"). Close it
// when done. A bbolt file held by a running server stays locked: Open then
// fails with errcode.Unavailable after a second.
//
// # Errors
//
// FailedPrecondition for memory (nothing is stored) and for types this
// build does not serve; the backend's codes otherwise.
func OpenRunStore(rs config.RunStateStore) (*store.Store, error) {
	return openRunStore(rs, nil)
}

func openRunStore(rs config.RunStateStore, log *slog.Logger) (*store.Store, error) {
	so := store.Options{Logger: log}
	if rs.MaxVersions != nil {
		so.MaxVersions = int(*rs.MaxVersions)
	}
	path := filePath(rs.Path)
	switch rs.Type {
	case config.StoreBolt:
		return boltstore.Open(path, &boltstore.Options{Store: so})
	case config.StoreSQLite:
		return sqlitestore.Open(path, &sqlitestore.Options{
			JournalMode: rs.JournalMode, SyncMode: rs.SyncMode, BusyTimeoutMS: rs.BusyTimeoutMS, Store: so})
	case config.StorePostgres:
		return openPostgresRunStore(rs, so, log)
	case config.StoreMemory, "":
		return nil, errcode.New(errcode.FailedPrecondition, "run_state_store.type is memory: nothing is stored")
	}
	return nil, errcode.New(errcode.FailedPrecondition, "run_state_store.type %q is not available in this build", rs.Type)
}

// RunpackOptions returns what a runpack export records about the server's
// configuration (the security block and the anchor policy), so an offline
// export of a stored run matches the runpack_export tool's.
func RunpackOptions(cfg *config.Config) (runpack.Security, *runpack.AnchorPolicy) {
	return runpack.Security{DevPermissive: cfg.DevPermissive(), NamespaceAuthority: namespaceAuthorityName(cfg)}, anchorPolicy(cfg)
}

// restoreSpecs loads the scenario definitions a durable store kept, so
// runs started before a restart continue.
func (s *Server) restoreSpecs(ctx context.Context) error {
	if err := s.engine.Restore(ctx); err != nil {
		return fmt.Errorf("run_state_store: restoring scenario definitions: %w", err)
	}
	return nil
}

// registryDriver opens the [schema_registry] backend.
func registryDriver(cfg *config.Config) (regdriver.Driver, error) {
	sr := cfg.SchemaRegistry
	if err := ensureDir(sr.Store); err != nil {
		return nil, err
	}
	switch sr.Type {
	case config.StoreMemory, "":
		return memreg.New(), nil
	case config.StoreBolt:
		return boltreg.Open(filePath(sr.Path), nil)
	case config.StoreSQLite:
		return sqlitereg.Open(filePath(sr.Path), &sqlitereg.Options{
			JournalMode: sr.JournalMode, SyncMode: sr.SyncMode, BusyTimeoutMS: sr.BusyTimeoutMS})
	case config.StorePostgres:
		return openPostgresRegistry(sr)
	}
	return nil, errcode.New(errcode.FailedPrecondition, "type %q is not available in this build", sr.Type)
}

// distinctStorePaths refuses one file for both the run-state store and the
// schema registry: their layouts differ, and a bbolt file can be open only
// once.
func distinctStorePaths(cfg *config.Config) error {
	rs, sr := cfg.RunStateStore.Store, cfg.SchemaRegistry.Store
	if !rs.Path.IsSet() || !sr.Path.IsSet() {
		return nil
	}
	a, errA := filepath.Abs(filePath(rs.Path))
	b, errB := filepath.Abs(filePath(sr.Path))
	if errA == nil && errB == nil && a == b {
		return fmt.Errorf("run_state_store.path and schema_registry.path are the same file (%s): give each its own", a)
	}
	return nil
}

// filePath is the path a store opens: the resolved form of a config path.
func filePath(p config.Path) string {
	if p.Resolved != "" {
		return p.Resolved
	}
	return p.Raw
}

// ensureDir creates the directory of a store file when it is missing, as
// the reference does (the presets point at ./.tmp/<preset>/…).
func ensureDir(st config.Store) error {
	if !st.Path.IsSet() || (st.Type != config.StoreSQLite && st.Type != config.StoreBolt) {
		return nil
	}
	return os.MkdirAll(filepath.Dir(filePath(st.Path)), 0o750)
}
