package server

import (
	"context"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/mcp"
	"github.com/decision-gate/dgw/host/runpack"
)

// serviceOptions maps the config onto the tool service.
func (s *Server) serviceOptions(ctx context.Context, sink *audit.Sink) (mcp.Options, error) {
	cfg := s.cfg
	fb, err := feedbackPolicy(cfg)
	if err != nil {
		return mcp.Options{}, err
	}
	ns, err := s.namespacePolicy()
	if err != nil {
		return mcp.Options{}, err
	}
	vis := mcp.ToolVisibility{Passthrough: cfg.Server.Tools.Mode == "passthrough",
		Allowlist: cfg.Server.Tools.Allowlist, Denylist: cfg.Server.Tools.Denylist}
	o := mcp.Options{
		Engine: s.engine, Providers: s.reg, Evidence: s.source,
		Namespace: ns, Feedback: fb, Disclosure: disclosurePolicy(cfg),
		Discovery: mcp.DiscoveryPolicy{Allowlist: cfg.ProviderDiscovery.Allowlist, Denylist: cfg.ProviderDiscovery.Denylist,
			MaxResponseBytes: int(cfg.ProviderDiscovery.MaxResponseBytes)},
		Visibility: vis,
		Runpacks: mcp.RunpackOptions{
			Security:     runpack.Security{DevPermissive: cfg.DevPermissive(), NamespaceAuthority: namespaceAuthorityName(cfg)},
			AnchorPolicy: anchorPolicy(cfg),
		},
		Logger: s.log,
	}
	if o.Runpacks.Store, err = runpackStore(ctx, cfg); err != nil {
		return mcp.Options{}, err
	}
	if err := s.attachExtensions(ctx, &o, sink); err != nil {
		return mcp.Options{}, err
	}
	return o, nil
}

// namespaceAuthorityName is the runpack manifest's security.namespace_authority.
func namespaceAuthorityName(cfg *config.Config) string {
	if cfg.Namespace.Authority.Mode == config.AuthorityAssetCoreHTTP {
		return "assetcore_catalog"
	}
	return "dg_registry"
}
