#!/usr/bin/env bash
# Seals the built-in modules: rewrites plugins/<name>/provider.json with the
# module digest and signs it with the built-in key (plugins/keys/builtin.key,
# Ed25519, deterministic signatures). Run after plugins/build.sh.
#
#   plugins/seal.sh          re-sign every built-in manifest
#   plugins/seal.sh check    fail unless the committed manifests pin the
#                            committed modules and their signatures verify
#
# The built-in key only vouches that an embedded module matches the manifest
# compiled into the same binary; the server accepts it for the five built-in
# names and for modules embedded in the binary, never for files on disk.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
export GOTOOLCHAIN=local
cd "$repo"
dg=(go run ./cmd/decision-gate)
for name in time env json http assetcore; do
	if [[ "${1:-}" == "check" ]]; then
		"${dg[@]}" plugin verify --module "plugins/$name/$name.wasm" --manifest "plugins/$name/provider.json" \
			--signature "plugins/$name/provider.json.sig" --key plugins/keys/builtin.pub --scope "$name"
	else
		"${dg[@]}" plugin sign --key plugins/keys/builtin.key --module "plugins/$name/$name.wasm" \
			--manifest "plugins/$name/provider.json"
	fi
done
