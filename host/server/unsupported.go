package server

import (
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/config"
)

// unsupported lists settings that parse and validate but that this build
// does not serve yet. The server refuses to start rather than ignore them.
func unsupported(cfg *config.Config) error {
	var errs []error
	add := func(key, what string) {
		errs = append(errs, fmt.Errorf("%s: %s is not available in this build; remove the setting or use a build that serves it", key, what))
	}
	if cfg.Namespace.Authority.Mode == config.AuthorityAssetCoreHTTP {
		add("namespace.authority.mode", "the assetcore_http namespace authority")
	}
	for i, p := range cfg.Providers {
		switch {
		case p.Type == config.ProviderBuiltin && p.Name == config.BuiltinAssetCore:
			add(fmt.Sprintf("providers[%d] (%s)", i, p.Name), "the assetcore provider")
		}
	}
	return errors.Join(errs...)
}
