package main

import "github.com/decision-gate/dgw/host/wasm/plugincli"

func init() {
	register(&command{name: "plugin", summary: "provider modules: keygen | sign | verify | inspect", run: func(e *env, args []string) int {
		return plugincli.PluginCommand(args, e.stdout, e.stderr)
	}})
}
