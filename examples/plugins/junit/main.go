// Command junit is acme.junit, a third-party Decision Gate evidence provider
// for CI gates, built as a pv1 WebAssembly reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w -buildid=' -o junit.wasm .
//
// It reads test and coverage reports through the fs/v1/read capability
// (the only capability its manifest requests), below the one directory the
// operator grants, and answers:
//
//   - tests_total, tests_passed, tests_failed, tests_skipped: integers from
//     a JUnit XML report (<testsuites> or <testsuite>);
//   - all_passed: true when a JUnit report ran at least one test and none
//     failed or errored;
//   - coverage_percent: line coverage in percent from a Cobertura XML report
//     or an LCOV tracefile, rounded down to two decimals.
//
// A report that is missing, outside the root, too large or malformed gives
// an in-band error (result.error with a stable code) and no value, so the
// condition is Unknown and the gate holds with the reason on record.
//
// README.md shows how to build, sign and install it; e2e_test.go does all
// of that against an in-process server.
package main

import "github.com/decision-gate/dgw/sdk"

func init() { sdk.Register(provider) }

// main is never called: a reactor runs its package initialisers only.
func main() {}
