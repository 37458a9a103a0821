// Package wasm runs evidence providers as signed WebAssembly modules (ABI
// pv1, see package abi) under wazero, with capability-scoped host functions
// and no ambient authority. It is the only package that imports wazero.
//
// # Loading
//
// [Load] takes a [LoadSpec] — module, manifest and signature (bytes or
// paths), the operator's trusted keys and grant — and returns a [*Module]
// that implements provider.Provider. It verifies before it compiles: the
// manifest signature and the module digest first (host/trust), then the pv1
// marker and every import against the effective grant, and only then hands
// the bytes to the compiler. An import whose capability is not granted fails
// the load with a message naming the capability.
//
// A built-in provider is loaded the same way from embedded bytes:
//
//	//go:embed env.wasm provider.json provider.json.sig
//	var files embed.FS
//
//	spec := wasm.LoadSpec{Module: mod, Manifest: man, Signature: sig,
//		ModuleName: "builtin:env/env.wasm", ManifestName: "builtin:env/provider.json",
//		TrustedKeys: builtinKeys, Grant: grant, Config: cfg, Transport: provider.Builtin}
//
// # Sandbox
//
// Each module gets its own runtime with a memory cap, close-on-context-done
// (so a deadline really stops a spinning guest), WASI without files,
// environment or arguments, fake clocks (unless clock/v1 is granted),
// crypto-random randomness, and stdout/stderr sent to a capped logger. The
// host functions (env.go, fs.go, http.go, log.go, clock.go) check the grant
// first and answer with an abi.Status; they trap only when the guest points
// outside its own memory. Results that do not fit the guest's buffer are
// parked for result_take, so a side-effecting call is never repeated.
//
// # Instances
//
// A [Module] keeps a pool of warm instances (a Go guest costs about 8–10 ms
// to instantiate). A query takes one, runs under its deadline, and puts it
// back; a trap, timeout, oversized output or malformed response discards it
// and a goroutine instantiates a replacement. Compiled code is shared
// through a [Cache].
//
// # Lifetime and concurrency
//
// A Module is safe for concurrent use; [Module.Close] stops refills, waits
// for them, and releases every instance; it is idempotent. Close modules
// before the Cache they were compiled with. RATIONALE.md explains the
// design choices.
package wasm
