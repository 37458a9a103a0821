// Package extism benchmarks a provider call through the server's pv1 Wasm
// host (host/wasm, the embedded built-ins env and time) against the same
// checks hosted by the Extism Go SDK, in one process. It is a separate module
// so that Extism never enters the server's module graph or binary.
//
// The Extism guest (testdata/extguest) reads and writes the pv1 JSON
// envelopes through Extism's kernel ABI, so both hosts do the same encoding
// and decoding; TestEquivalent checks that both answer alike before the
// benchmarks are trusted.
//
//	cd bench/extism && go test -run '^$' -bench . -count 5
package extism
