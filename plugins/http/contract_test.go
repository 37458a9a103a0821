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
	const want = "6c09487d64e2738f5e674268389b7cf5bea90118f1fa21f03c4ee9e0a3718426"
	if got != want {
		t.Errorf("contract hash = %s, want %s", got, want)
	}
}
