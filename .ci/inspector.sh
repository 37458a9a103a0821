#!/usr/bin/env bash
# Black-box checks with the MCP Inspector CLI (pinned in .ci/inspector):
# the built binary is started with a throwaway config and driven over
# streamable HTTP (/mcp) and stdio. Prints one line per check and a
# "N passed, N failed" summary; exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$here/inspector" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
inspector="$here/inspector/node_modules/.bin/mcp-inspector"
(cd "$repo" && GOTOOLCHAIN=local go build -o "$work/decision-gate" ./cmd/decision-gate)

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$work/run"
"$work/decision-gate" config default | sed "s/127.0.0.1:4000/127.0.0.1:$port/" > "$work/http.toml"
sed 's/^transport = "http".*/transport = "stdio"/; /^bind = /d' "$work/http.toml" > "$work/stdio.toml"

(cd "$work/run" && exec "$work/decision-gate" serve --config "$work/http.toml" 2>"$work/server.log") &
pid=$!
for _ in $(seq 1 100); do
	curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
	sleep 0.1
done

pass=0 fail=0
check() { # name, command...
	local name="$1"; shift
	if out=$("$@" 2>&1); then
		echo "ok   $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; echo "$out" | head -20; fail=$((fail + 1))
	fi
}
# js CODE: runs CODE with the parsed first JSON document on stdin as r.
js() { node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const r=JSON.parse(d.slice(0,d.indexOf("\n}")+2));'"$1"'})'; }
count_tools() { "$inspector" --cli "$@" --method tools/list | js 'if(r.tools.length!==18||r.tools[0].name!=="scenario_define")process.exit(1)'; }
providers() { "$inspector" --cli "$@" --method tools/call --tool-name providers_list | js 'if(r.isError||r.structuredContent.providers.length!==4)process.exit(1)'; }
unknown_tool() { ! "$inspector" --cli "$@" --method tools/call --tool-name no_such_tool >/dev/null; }
# A tool failure is an isError result (the Inspector then exits non-zero).
bad_args() {
	local out
	out=$("$inspector" --cli "$@" --method tools/call --tool-name scenario_status --tool-arg scenario_id=x) && return 1
	echo "$out" | js 'if(!r.isError||r.structuredContent.code!==-32602)process.exit(1)'
}

check "http: tools/list lists 18 tools in canonical order" count_tools "http://127.0.0.1:$port/mcp"
check "http: tools/call providers_list" providers "http://127.0.0.1:$port/mcp"
check "http: unknown tool is refused" unknown_tool "http://127.0.0.1:$port/mcp"
check "http: invalid arguments give an isError result" bad_args "http://127.0.0.1:$port/mcp"
# The Inspector owns --config, so the stdio server takes its config from the
# environment.
check "stdio: tools/list" count_tools -e "DECISION_GATE_CONFIG=$work/stdio.toml" "$work/decision-gate" serve
check "stdio: tools/call providers_list" providers -e "DECISION_GATE_CONFIG=$work/stdio.toml" "$work/decision-gate" serve

echo "inspector: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
