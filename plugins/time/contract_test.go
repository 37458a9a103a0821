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
	const want = "cbc94be944531c15eb3a8f2583bb52bf537adf959526184284ff84991fdf552a"
	if got != want {
		t.Errorf("contract hash = %s, want %s", got, want)
	}
}
