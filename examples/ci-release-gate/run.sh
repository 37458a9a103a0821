#!/usr/bin/env bash
# CI release gate: decides whether a build may be released, from the build's
# own reports, and leaves a verifiable record of the decision.
#
#   examples/ci-release-gate/run.sh [REPORTS_DIR]
#
# REPORTS_DIR (default: reports/passing next to this script) holds
# test-summary.json and coverage-summary.json (and junit.xml and
# coverage.xml for the acme.junit variant). The script
#
#   1. copies the reports into a scratch directory and starts a Decision
#      Gate server there (loopback, a free port) with decision-gate.toml;
#   2. defines the scenario (scenario.json): tests pass -> coverage >= 80%
#      -> not in the change freeze -> release;
#   3. starts a run and triggers it until the decision is no longer
#      "advance", printing every decision;
#   4. exports the runpack and verifies it with `decision-gate runpack verify`.
#
# Exit status: 0 the gate passed (release), 1 the gate held (do not
# release), 2 anything else (bad usage, server or runpack failure).
#
# Environment:
#   DG_BIN          decision-gate binary (default: built from this repository
#                   with `go build` into the scratch directory)
#   DG_RUNPACK_DIR  where the runpack goes (default $TMPDIR/dg-runpack-RUN_ID,
#                   /tmp without TMPDIR); it must not exist yet. Keep it as a
#                   CI artifact.
#   DG_RUN_ID       run id (default release-<UTC time>-<pid>)
#   DG_NOW_MS       trigger time in unix milliseconds (default: now), e.g. to
#                   replay a decision or test the change freeze
#   DG_JUNIT_DIR    a directory with the signed acme.junit plugin (junit.wasm,
#                   provider.json, provider.json.sig, acme.pub): use
#                   decision-gate.junit.toml and scenario.junit.json, which
#                   read junit.xml and coverage.xml instead of the JSON
#                   summaries
#
# Needs bash and curl; Go only when DG_BIN is not set.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

die() { echo "run.sh: $*" >&2; exit 2; }

case "${1:-}" in
-h | --help)
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
	exit 0
	;;
esac
[[ $# -le 1 ]] || die "usage: run.sh [REPORTS_DIR]"
command -v curl >/dev/null || die "curl is required"

reports_in="${1:-$here/reports/passing}"
[[ -d "$reports_in" ]] || die "reports directory $reports_in does not exist"
reports_in="$(cd "$reports_in" && pwd)"

config="$here/decision-gate.toml"
scenario="$here/scenario.json"
if [[ -n "${DG_JUNIT_DIR:-}" ]]; then
	[[ -d "$DG_JUNIT_DIR" ]] || die "DG_JUNIT_DIR=$DG_JUNIT_DIR is not a directory"
	config="$here/decision-gate.junit.toml"
	scenario="$here/scenario.junit.json"
fi

now_ms="${DG_NOW_MS:-$(($(date +%s) * 1000))}"
[[ "$now_ms" =~ ^[0-9]+$ ]] || die "DG_NOW_MS must be unix milliseconds, got $now_ms"
run_id="${DG_RUN_ID:-release-$(date -u +%Y%m%dT%H%M%SZ)-$$}"
runpack_dir="${DG_RUNPACK_DIR:-${TMPDIR:-/tmp}/dg-runpack-$run_id}"
[[ "$runpack_dir" = /* ]] || runpack_dir="$PWD/$runpack_dir"
[[ ! -e "$runpack_dir" ]] || die "runpack directory $runpack_dir already exists"

work="$(mktemp -d "${TMPDIR:-/tmp}/dg-release-gate.XXXXXX")"
server_pid=""
cleanup() {
	if [[ -n "$server_pid" ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# The server reads a snapshot of the reports: what was gated is what the
# runpack records, even if the build keeps writing.
mkdir "$work/reports"
cp -R "$reports_in/." "$work/reports/"
if [[ -n "${DG_JUNIT_DIR:-}" ]]; then
	mkdir "$work/plugin"
	for f in junit.wasm provider.json provider.json.sig acme.pub; do
		[[ -f "$DG_JUNIT_DIR/$f" ]] || die "DG_JUNIT_DIR has no $f (see README.md)"
		cp "$DG_JUNIT_DIR/$f" "$work/plugin/"
	done
fi

if [[ -n "${DG_BIN:-}" ]]; then
	dg="$DG_BIN"
	[[ "$dg" = */* && "$dg" != /* ]] && dg="$PWD/$dg"
else
	echo "building decision-gate from $repo ..."
	(cd "$repo" && GOTOOLCHAIN=local go build -o "$work/decision-gate" ./cmd/decision-gate) || die "go build failed"
	dg="$work/decision-gate"
fi

# Start the server in the scratch directory and read its address from the
# "serving" log line.
(cd "$work" && exec "$dg" serve --config "$config") 2>"$work/server.log" &
server_pid=$!
addr=""
for _ in $(seq 1 600); do
	addr="$(grep -a -o 'msg=serving .*addr=[0-9.]*:[0-9]*' "$work/server.log" | sed 's/.*addr=//' || true)"
	[[ -n "$addr" ]] && break
	if ! kill -0 "$server_pid" 2>/dev/null; then
		cat "$work/server.log" >&2
		server_pid=""
		die "the server did not start"
	fi
	sleep 0.1
done
[[ -n "$addr" ]] || { cat "$work/server.log" >&2; die "the server did not report its address within 60s"; }
url="http://$addr/rpc"

# rpc TOOL ARGUMENTS_JSON: calls one tool and prints the JSON-RPC response;
# a JSON-RPC error is fatal.
rpc_id=0
rpc() {
	rpc_id=$((rpc_id + 1))
	local resp
	resp="$(curl -sS --max-time 60 -H 'content-type: application/json' --data-binary @- "$url" <<EOF
{"jsonrpc":"2.0","id":$rpc_id,"method":"tools/call","params":{"name":"$1","arguments":$2}}
EOF
)" || die "$1: request to $url failed"
	if [[ "$resp" =~ ^\{\"jsonrpc\":\"2\.0\",\"id\":[0-9]+,\"error\" ]]; then
		die "$1: $resp"
	fi
	printf '%s' "$resp"
}

# field NAME JSON: the first string value of "NAME" in JSON.
field() { grep -o "\"$1\":\"[^\"]*\"" <<<"$2" | head -n 1 | sed 's/.*:"//; s/"$//' || true; }

ts() { printf '{"kind":"unix_millis","value":%s}' "$1"; }

resp="$(rpc scenario_define "{\"spec\":$(cat "$scenario")}")"
scenario_id="$(field scenario_id "$resp")"
spec_hash="$(grep -o '"spec_hash":{[^}]*}' <<<"$resp" | sed 's/.*"value":"//; s/".*//' || true)"
echo "scenario $scenario_id (spec sha256 $spec_hash)"
echo "reports  $reports_in"
echo "run      $run_id at $now_ms ms"

rpc scenario_start "{\"scenario_id\":\"$scenario_id\",\"run_config\":{\"tenant_id\":1,\"namespace_id\":1,\
\"run_id\":\"$run_id\",\"scenario_id\":\"$scenario_id\",\"dispatch_targets\":[{\"kind\":\"external\",\
\"system\":\"ci\",\"target\":\"release-job\"}],\"policy_tags\":[]},\"started_at\":$(ts "$now_ms"),\
\"issue_entry_packets\":false}" >/dev/null

# One trigger evaluates the current stage only: trigger until the run stops
# advancing.
outcome=""
for i in $(seq 1 10); do
	resp="$(rpc scenario_trigger "{\"scenario_id\":\"$scenario_id\",\"trigger\":{\"trigger_id\":\"ci-$i\",\
\"tenant_id\":1,\"namespace_id\":1,\"run_id\":\"$run_id\",\"kind\":\"external_event\",\"time\":$(ts $((now_ms + i))),\
\"source_id\":\"ci\",\"payload\":null,\"correlation_id\":null}}")"
	decision="$(field decision_id "$resp")"
	stage="$(field stage_id "$resp")"
	outcome="$(grep -o '"outcome":{"kind":"[a-z]*"' <<<"$resp" | head -n 1 | sed 's/.*"kind":"//; s/"$//' || true)"
	case "$outcome" in
	advance)
		line="advance -> $(field to_stage "$resp")"
		packets="$(grep -o '"packet_id":"[^"]*"' <<<"$resp" | sed 's/.*:"//; s/"$//' | sort -u | tr '\n' ' ' || true)"
		[[ -n "$packets" ]] && line+="  (issued: ${packets% })"
		;;
	complete) line="complete" ;;
	hold)
		gates="$(grep -o '"unmet_gates":\[[^]]*\]' <<<"$resp" | sed 's/.*\[//; s/\]//; s/"//g; s/,/, /g' || true)"
		line="HOLD: unmet gates: $gates"
		;;
	fail) line="FAIL: $(field reason "$resp")" ;;
	*) die "unexpected scenario_trigger response: $resp" ;;
	esac
	printf '%-11s stage %-14s %s\n' "$decision" "$stage" "$line"
	[[ "$outcome" == advance ]] || break
done

# The runpack: spec, triggers, gate evaluations with their evidence,
# decisions, packets and tool calls, hashed; verifiable offline by anyone.
rpc runpack_export "{\"scenario_id\":\"$scenario_id\",\"tenant_id\":1,\"namespace_id\":1,\"run_id\":\"$run_id\",\
\"output_dir\":\"$runpack_dir\",\"generated_at\":$(ts $((now_ms + 100))),\"include_verification\":true}" >/dev/null
if ! "$dg" runpack verify "$runpack_dir"; then
	die "runpack verification failed: $runpack_dir"
fi
echo "runpack  $runpack_dir"

if [[ "$outcome" == complete ]]; then
	echo "RELEASE: every gate passed"
	exit 0
fi
# Why: the condition statuses of each unmet gate at the last trigger, from
# the runpack's gate evaluations (True / False / Unknown; Unknown means the
# evidence was missing or invalid, e.g. no report file).
if [[ "$outcome" == hold ]]; then
	for gate in ${gates//,/}; do
		conditions="$(grep -o "\"gate_id\":\"$gate\",\"status\":\"[A-Za-z]*\",\"trace\":\[[^]]*\]" \
			"$runpack_dir/artifacts/gate_evals.json" | tail -n 1 |
			grep -o '"condition_id":"[^"]*","status":"[A-Za-z]*"' |
			sed 's/"condition_id":"//; s/","status":"/=/; s/"$//' | tr '\n' ' ' || true)"
		echo "  $gate: ${conditions% }"
	done
fi
echo "BLOCKED: do not release (evidence: $runpack_dir/artifacts/gate_evals.json)"
exit 1
