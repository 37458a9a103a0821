package main

import (
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
)

// The served contract must hash to the reference's (spec §4.3).
func TestContract_hash(t *testing.T) {
	got, err := plugintest.ContractHash()
	if err != nil {
		t.Fatal(err)
	}
	const want = "37efb6cf1d3d7ba4113e65dbd0baa475259e6d62329bcf42e480ae577610298e"
	if got != want {
		t.Errorf("contract hash = %s, want %s", got, want)
	}
}
