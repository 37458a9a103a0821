// Package provenance computes the governance provenance stored beside
// every decision (scenario.Provenance): hashes of the effective
// configuration, of the outcome-relevant policy sections and of the
// provider set, all fixed at start-up, and per decision the hash of the
// evidence evaluated and of the consulted providers' health, plus the
// providers that failed.
//
// Every hash is SHA-256 over canonical JSON. Secrets never enter a hash:
// literal secrets are replaced by a fixed marker and secrets read from the
// environment by the variable's name.
package provenance
