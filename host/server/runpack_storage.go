package server

import (
	"context"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/mcp"
	"github.com/decision-gate/dgw/host/runpack"
	runpacks3 "github.com/decision-gate/dgw/host/runpack/s3"
)

// OpenRunpackStorage opens the object store [runpack_storage] names (spec
// §6.6). Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
// and AWS_SESSION_TOKEN when set; requests are unsigned otherwise.
func OpenRunpackStorage(ctx context.Context, r *config.RunpackStorage) (*runpacks3.Store, error) {
	return runpacks3.Open(ctx, runpacks3.Options{
		Bucket: r.Bucket, Region: r.Region, Endpoint: r.Endpoint, Prefix: r.Prefix,
		ForcePathStyle: r.ForcePathStyle, AllowHTTP: r.AllowHTTP,
	})
}

// objectRunpackStore adapts the S3 store to [mcp.RunpackStore].
type objectRunpackStore struct{ s *runpacks3.Store }

func (o objectRunpackStore) Sink(ctx context.Context, k mcp.RunpackKey) (runpack.Sink, string, error) {
	return o.s.Sink(ctx, runpacks3.Key{TenantID: k.TenantID, NamespaceID: k.NamespaceID,
		ScenarioID: k.ScenarioID, RunID: k.RunID, SpecHash: k.SpecHash})
}

// runpackStore returns the configured runpack store, or nil when exports
// go to the filesystem.
func runpackStore(ctx context.Context, cfg *config.Config) (mcp.RunpackStore, error) {
	if cfg.RunpackStorage == nil {
		return nil, nil
	}
	s, err := OpenRunpackStorage(ctx, cfg.RunpackStorage)
	if err != nil {
		return nil, err
	}
	return objectRunpackStore{s}, nil
}
