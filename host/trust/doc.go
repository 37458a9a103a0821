// Package trust holds what the server trusts and how it checks it: key sets,
// signature verification and trust lanes.
//
// # Module signing
//
// A provider module ships as three files: the .wasm, a provider manifest
// (provider.json, [Manifest]) that pins the module's sha256 and size and
// carries its capability request and limits, and a detached signature over
// the manifest bytes (provider.json.sig). Signing the manifest signs the
// code and its capability request together.
//
// [VerifyModule] checks all three offline, before the module is compiled:
// the signature against the operator's [PublicKey] set (ECDSA P-256 in
// cosign's sign-blob format, or Ed25519), the signing key's scope against
// the provider name, and the module bytes against the manifest digest. Each
// failure is a distinct sentinel ([ErrUnsigned], [ErrManifestTampered],
// [ErrUntrustedSigner], [ErrKeyScope], [ErrModuleTampered], …) coded
// errcode.SignatureInvalid, and its message names the file at fault.
//
// [GenerateKey], [ParsePrivateKey] and [SignManifest] are the author side;
// keys are plain PKCS#8 PEM or cosign's encrypted format.
//
// # Concurrency
//
// Keys and verified manifests are immutable and safe for concurrent use.
package trust
