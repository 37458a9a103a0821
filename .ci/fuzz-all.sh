#!/usr/bin/env bash
# Runs every Fuzz target in the module for a short time each.
#
# A run that ends with the fuzzing engine's own "context deadline exceeded"
# and no failing input (the coordinator timing out its workers at the end
# of -fuzztime on a loaded machine) is run once more; a real finding always
# writes its input to testdata/fuzz and fails at once.
set -euo pipefail
fuzztime="${1:-10s}"
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
  for t in $targets; do
    for attempt in 1 2; do
      echo "fuzz: $pkg $t ($fuzztime)"
      if go test -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime" "$pkg" 2>&1 | tee "$log"; then
        break
      fi
      if [ "$attempt" = 1 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
        echo "fuzz: $t: the engine timed out its workers without a finding; running it again"
        continue
      fi
      exit 1
    done
  done
done
