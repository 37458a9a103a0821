package broker

import (
	"os"
	"strings"
	"testing"
)

func TestCommandSHA256(t *testing.T) {
	t.Run("match", func(t *testing.T) {
		entry := stdioEntry(t, "template")
		sum, _, err := fileSHA256(entry.Command[0])
		if err != nil {
			t.Fatal(err)
		}
		entry.CommandSHA256 = sum
		h := newHarness(t, entry, testEM(), nil)
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := h.dial.last().Command[0]; got != entry.Command[0] {
			t.Fatalf("spawned %q, want the resolved pinned file %q", got, entry.Command[0])
		}
	})
	t.Run("mismatch refused before spawn", func(t *testing.T) {
		entry := stdioEntry(t, "template")
		entry.CommandSHA256 = strings.Repeat("a", 64)
		h := newHarness(t, entry, testEM(), nil)
		_, err := h.query(t.Context())
		if code(err) != CodeProviderUnavailable || !strings.Contains(err.Error(), "command_sha256_mismatch") {
			t.Fatalf("query error %v, want provider_unavailable with command_sha256_mismatch", err)
		}
		if h.dial.count() != 0 {
			t.Fatal("a backend was spawned despite the mismatch")
		}
		if h.p.breaker.State() != StateClosed {
			t.Fatal("a refused spawn counted as an outage")
		}
		f := h.p.Preflight(t.Context()).Failed()
		if f == nil || f.Step != StepBinary || f.Code != "command_sha256_mismatch" {
			t.Fatalf("failed step %+v, want binary / command_sha256_mismatch", f)
		}
		if h.dial.count() != 0 {
			t.Fatal("preflight spawned despite the mismatch")
		}
	})
	t.Run("binary replaced between spawns", func(t *testing.T) {
		entry := stdioEntry(t, "template")
		sum, _, _ := fileSHA256(entry.Command[0])
		entry.CommandSHA256 = sum
		h := newHarness(t, entry, testEM(), nil)
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(entry.Command[0], []byte("#!/bin/sh\necho replaced\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		h.p.dropBackend(h.be) // the child died; the next call respawns
		_, err := h.query(t.Context())
		if code(err) != CodeProviderUnavailable || !strings.Contains(err.Error(), "command_sha256_mismatch") {
			t.Fatalf("respawn of a replaced binary: %v", err)
		}
		if h.dial.count() != 1 {
			t.Fatalf("dials %d, want only the first", h.dial.count())
		}
	})
	t.Run("binary replaced while the child runs", func(t *testing.T) {
		// The client restarts a child that died between calls by itself;
		// the file is checked before every call so that restart cannot run
		// a replaced binary.
		entry := stdioEntry(t, "template")
		sum, _, _ := fileSHA256(entry.Command[0])
		entry.CommandSHA256 = sum
		h := newHarness(t, entry, testEM(), nil)
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal("an unchanged binary was refused:", err)
		}
		if err := os.WriteFile(entry.Command[0], []byte("#!/bin/sh\necho replaced\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := h.query(t.Context())
		if code(err) != CodeProviderUnavailable || !strings.Contains(err.Error(), "command_sha256_mismatch") {
			t.Fatalf("call after the binary changed: %v", err)
		}
		if h.be.calls.Load() != 2 || h.be.closes.Load() != 1 || h.dial.count() != 1 {
			t.Fatalf("calls %d closes %d dials %d, want 2, 1, 1", h.be.calls.Load(), h.be.closes.Load(), h.dial.count())
		}
	})
	t.Run("binary rewritten with the same bytes", func(t *testing.T) {
		entry := stdioEntry(t, "template")
		sum, _, _ := fileSHA256(entry.Command[0])
		entry.CommandSHA256 = sum
		h := newHarness(t, entry, testEM(), nil)
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
		same, _ := os.ReadFile(entry.Command[0])
		_ = os.Remove(entry.Command[0])
		if err := os.WriteFile(entry.Command[0], same, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal("a rewritten but identical binary was refused:", err)
		}
		if h.dial.count() != 1 {
			t.Fatal("the live backend was dropped")
		}
	})
	t.Run("not found", func(t *testing.T) {
		entry := stdioEntry(t, "template")
		entry.Command = []string{entry.Command[0] + ".missing"}
		h := newHarness(t, entry, testEM(), nil)
		f := h.p.Preflight(t.Context()).Failed()
		if f == nil || f.Step != StepBinary || f.Code != "binary_not_found" {
			t.Fatalf("failed step %+v", f)
		}
	})
}
