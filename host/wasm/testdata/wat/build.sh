#!/bin/sh
# Rebuilds the committed WAT fixtures. Needs wabt (apt-get install wabt); tests use
# the committed .wasm files and do not need it.
set -eu
cd "$(dirname "$0")"
for w in *.wat; do wat2wasm "$w" -o "${w%.wat}.wasm"; done
