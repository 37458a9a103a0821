#!/usr/bin/env bash
# Builds the built-in provider modules (time, env, json, http, assetcore) as
# pv1 Wasm reactors, reproducibly, to plugins/<name>/<name>.wasm, and writes
# their SHA-256 digests to plugins/SHA256SUMS (and prints them).
#
#   plugins/build.sh          build and print digests
#   plugins/build.sh check    also rebuild from a cold build cache into a
#                             temporary directory and fail unless every
#                             module is bit-identical
#
# Reproducibility: the toolchain is the local one (GOTOOLCHAIN=local), paths
# are trimmed, no VCS stamp, no build ID, no cgo, and the module graph is
# read-only, so the output depends only on the sources and the Go version.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
plugins=(time env json http assetcore)

export GOTOOLCHAIN=local GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0
export GOFLAGS="-trimpath -buildvcs=false -mod=readonly"

# build OUTDIR: builds every module into OUTDIR/<name>/<name>.wasm.
build() {
	local out="$1" name
	for name in "${plugins[@]}"; do
		mkdir -p "$out/$name"
		(cd "$repo" && go build -buildmode=c-shared -ldflags='-s -w -buildid=' \
			-o "$out/$name/$name.wasm" "./plugins/$name")
	done
}

build "$here"
(cd "$here" && sha256sum time/time.wasm env/env.wasm json/json.wasm http/http.wasm assetcore/assetcore.wasm | tee SHA256SUMS)

if [[ "${1:-}" == "check" ]]; then
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	GOCACHE="$tmp/cache" build "$tmp/out"
	status=0
	for name in "${plugins[@]}"; do
		if cmp -s "$here/$name/$name.wasm" "$tmp/out/$name/$name.wasm"; then
			echo "reproducible: $name"
		else
			echo "NOT reproducible: $name" >&2
			status=1
		fi
	done
	exit "$status"
fi
