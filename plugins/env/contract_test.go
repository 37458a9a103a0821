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
	const want = "7763099d06ebb1a35c9b84c66b149aaf50c4ca98f1ffba909010438c73ff4ec1"
	if got != want {
		t.Errorf("contract hash = %s, want %s", got, want)
	}
}
