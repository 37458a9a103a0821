// Package plugincli implements the "decision-gate plugin" subcommands for
// provider-module authors and operators:
//
//	decision-gate plugin keygen  --out acme [--alg ecdsa-p256|ed25519] [--encrypt]
//	decision-gate plugin sign    --key acme.key --module junit.wasm --manifest provider.json
//	decision-gate plugin verify  --key acme.pub [--scope 'acme.*'] --module junit.wasm --manifest provider.json
//	decision-gate plugin inspect --module junit.wasm [--manifest provider.json] [--key acme.pub]
//
// # Commands
//
// keygen writes a plain PKCS#8 private key (0600) and a PEM public key, or
// with --encrypt a key in cosign's encrypted format. sign fills in the
// manifest's module digest and signer and writes the detached signature
// (cosign sign-blob compatible for ECDSA). verify runs the same checks as
// the server before it loads a module. inspect prints the ABI version,
// checks, requested capabilities, digest and signer.
//
// # Secrets
//
// Passwords for encrypted keys come from an environment variable
// (--password-env, default COSIGN_PASSWORD), never from arguments.
//
// # Exit codes
//
// [PluginCommand] is the entry point; cmd/decision-gate calls it with the
// arguments after "plugin". It returns [ExitOK], [ExitFail] (the operation
// failed: a bad signature, an unreadable file) or [ExitUsage].
package plugincli
