// Package opa benchmarks gate evaluation against Open Policy Agent's
// prepared Rego queries. It is a separate module so that OPA never enters
// the server's module graph or binary.
package opa
