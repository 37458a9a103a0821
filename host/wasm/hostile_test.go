package wasm

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
)

// watModule loads a WAT fixture with the given limits.
func watModule(t *testing.T, name string, limits Limits, grant capability.Set, caps string) *Module {
	t.Helper()
	spec := signedSpec(t, wat(t, name), "wat", caps)
	spec.Limits = limits
	spec.Grant = grant
	return load(t, spec, nil)
}

// poolFull waits until m's pool holds all its instances again.
func poolFull(t *testing.T, m *Module) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(m.pool.ready) < m.limits.PoolSize {
		if time.Now().After(deadline) {
			t.Fatalf("pool has %d of %d instances", len(m.pool.ready), m.limits.PoolSize)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHostileInfiniteLoop(t *testing.T) {
	noLeaks(t)
	const timeout = 200
	cases := []struct {
		name string
		m    func(t *testing.T) *Module
		spin string // check that spins
		ok   string // check that answers
	}{
		{"wat", func(t *testing.T) *Module {
			return watModule(t, "spin", Limits{TimeoutMS: timeout, PoolSize: 1}, capability.Set{}, `{}`)
		}, "run", ""},
		{"go", func(t *testing.T) *Module {
			g := newGuestEnv(t, func(s *LoadSpec) { s.Limits = Limits{TimeoutMS: timeout, PoolSize: 1} })
			return g.m
		}, "spin", "echo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m(t)
			for i := 0; i < 2; i++ { // the second call proves the pool replaced the instance
				start := time.Now()
				_, err := query(t, m, tc.spin, "")
				took := time.Since(start)
				if errcode.Of(err) != errcode.DeadlineExceeded || !strings.Contains(err.Error(), "did not answer within 200 ms") {
					t.Fatalf("err = %v (%s)", err, errcode.Of(err))
				}
				t.Logf("call %d stopped after %v", i, took)
				if took < timeout*time.Millisecond || took > timeout*time.Millisecond+5*time.Second {
					t.Fatalf("stopped after %v, want about %d ms", took, timeout)
				}
				poolFull(t, m)
			}
			if tc.ok != "" {
				if _, err := query(t, m, tc.ok, ""); err != nil {
					t.Fatalf("after a timeout: %v", err)
				}
			}
		})
	}
}

func TestHostileCallerCancel(t *testing.T) {
	noLeaks(t)
	m := watModule(t, "spin", Limits{TimeoutMS: 5000, PoolSize: 1}, capability.Set{}, `{}`)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := m.Query(ctx, queryOf(m, "run"), testCtx)
	if errcode.Of(err) != errcode.DeadlineExceeded || time.Since(start) > 2*time.Second || !strings.Contains(err.Error(), "caller") {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestHostileMemoryBomb(t *testing.T) {
	noLeaks(t)
	t.Run("wat", func(t *testing.T) {
		m := watModule(t, "membomb", Limits{MemoryPages: 16, PoolSize: 1}, capability.Set{}, `{}`)
		_, err := query(t, m, "run", "")
		if errcode.Of(err) != errcode.Internal || !strings.Contains(err.Error(), "module trapped") {
			t.Fatalf("err = %v", err)
		}
		poolFull(t, m)
	})
	t.Run("go", func(t *testing.T) {
		g := newGuestEnv(t, func(s *LoadSpec) { s.Limits = Limits{MemoryPages: 512, TimeoutMS: 10000, PoolSize: 1} })
		_, err := query(t, g.m, "grow", `{"mib":64}`)
		if errcode.Of(err) != errcode.Internal || !strings.Contains(err.Error(), "trapped") {
			t.Fatalf("err = %v", err)
		}
		res, err := query(t, g.m, "grow", `{"mib":1}`)
		if err != nil || string(res.Value.JSON) != "1" {
			t.Fatalf("fresh instance after the trap: %v %s", err, res.Value.JSON)
		}
	})
}

func TestHostileOutput(t *testing.T) {
	noLeaks(t)
	cases := []struct {
		name, fixture string
		code          errcode.Code
		msg           string
	}{
		{"oversized output", "bigout", errcode.ResourceExhausted, "2097152 bytes, over the 1048576-byte limit"},
		{"not an envelope", "badenv", errcode.Internal, "malformed response envelope"},
		{"zero result", "zero", errcode.Internal, "pv_query returned 0"},
		{"trap", "trap", errcode.Internal, "unreachable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := watModule(t, tc.fixture, Limits{PoolSize: 1}, capability.Set{}, `{}`)
			_, err := query(t, m, "run", "")
			if errcode.Of(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v (%s)", err, errcode.Of(err))
			}
			poolFull(t, m)
		})
	}
	t.Run("go guest over a lowered limit", func(t *testing.T) {
		g := newGuestEnv(t, func(s *LoadSpec) { s.Limits = Limits{MaxOutputBytes: 4096, PoolSize: 1} })
		if _, err := query(t, g.m, "bigout", `{"bytes":3000}`); err != nil {
			t.Fatal(err)
		}
		_, err := query(t, g.m, "bigout", `{"bytes":5000}`)
		if errcode.Of(err) != errcode.ResourceExhausted {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("query over the input limit", func(t *testing.T) {
		g := newGuestEnv(t, func(s *LoadSpec) { s.Limits = Limits{MaxInputBytes: 1024, PoolSize: 1} })
		_, err := query(t, g.m, "echo", `{"pad":"`+strings.Repeat("x", 2000)+`"}`)
		if errcode.Of(err) != errcode.ResourceExhausted || !strings.Contains(err.Error(), "1024-byte limit") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestHostileOutOfBoundsPointer(t *testing.T) {
	noLeaks(t)
	grant := capability.Set{Env: &capability.EnvGrant{Allowlist: []string{"*"}}}
	m := watModule(t, "oob", Limits{PoolSize: 1}, grant, `{"env/v1/get":{"keys":["*"]}}`)
	_, err := query(t, m, "run", "")
	if errcode.Of(err) != errcode.Internal || !strings.Contains(err.Error(), "outside linear memory") {
		t.Fatalf("err = %v", err)
	}
	poolFull(t, m)
}

func TestHostileTrapStorm(t *testing.T) {
	noLeaks(t)
	flaky := watModule(t, "flaky", Limits{PoolSize: 2}, capability.Set{}, `{}`)
	g := newGuestEnv(t, func(s *LoadSpec) { s.Limits = Limits{PoolSize: 2} })
	var wg sync.WaitGroup
	var mu sync.Mutex
	traps, oks, others := 0, 0, []error{}
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := query(t, flaky, "run", "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				oks++
			case errcode.Of(err) == errcode.Internal && strings.Contains(err.Error(), "unreachable"):
				traps++
			default:
				others = append(others, err)
			}
		}()
	}
	// Another provider keeps answering during the storm.
	for i := 0; i < 20; i++ {
		if _, err := query(t, g.m, "echo", ""); err != nil {
			t.Fatalf("other provider during the storm: %v", err)
		}
	}
	wg.Wait()
	if traps == 0 || oks == 0 || len(others) != 0 {
		t.Fatalf("%d traps, %d ok, others: %v", traps, oks, others)
	}
	poolFull(t, flaky)
	// Each instance alternates ok and trap, and a trap replaces the
	// instance with a fresh one, whose first call succeeds. Whatever state
	// the storm left the two pooled instances in, at most two calls trap
	// before a fresh instance answers, so one of the first three succeeds.
	ok := 0
	for i := 0; i < 4; i++ {
		_, err := query(t, flaky, "run", "")
		switch {
		case err == nil:
			ok++
		case !strings.Contains(err.Error(), "unreachable"):
			t.Fatalf("after the storm: %v", err)
		}
	}
	if ok < 1 {
		t.Fatalf("%d of 4 calls succeeded after the storm", ok)
	}
}

func TestPoolWaitsUpToDeadline(t *testing.T) {
	noLeaks(t)
	m := watModule(t, "spin", Limits{TimeoutMS: 400, PoolSize: 1}, capability.Set{}, `{}`)
	done := make(chan error, 1)
	go func() { _, err := query(t, m, "run", ""); done <- err }()
	time.Sleep(50 * time.Millisecond) // let the first call take the only instance
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := m.Query(ctx, queryOf(m, "run"), testCtx)
	if errcode.Of(err) != errcode.DeadlineExceeded {
		t.Fatalf("waiting caller: %v", err)
	}
	_, err = query(t, m, "run", "") // waits for the refill, then spins to its own deadline
	if errcode.Of(err) != errcode.DeadlineExceeded && errcode.Of(err) != errcode.ResourceExhausted {
		t.Fatalf("third caller: %v", err)
	}
	if err := <-done; errcode.Of(err) != errcode.DeadlineExceeded {
		t.Fatalf("first caller: %v", err)
	}
}

func TestPoolExhausted(t *testing.T) {
	noLeaks(t)
	m := watModule(t, "spin", Limits{TimeoutMS: 300, PoolSize: 1}, capability.Set{}, `{}`)
	in, err := m.pool.get(context.Background()) // hold the only instance
	if err != nil {
		t.Fatal(err)
	}
	_, err = query(t, m, "run", "")
	if errcode.Of(err) != errcode.ResourceExhausted || !strings.Contains(err.Error(), "no instance came free within 300 ms") {
		t.Fatalf("err = %v", err)
	}
	m.pool.put(in)
}

func TestCloseIdempotentAndFinal(t *testing.T) {
	noLeaks(t)
	spec := signedSpec(t, wat(t, "trap"), "wat", `{}`)
	spec.Limits = Limits{PoolSize: 3}
	m, err := Load(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // start refills, then close while they may run
		_, _ = query(t, m, "run", "")
	}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _ = m.Close(context.Background()) }()
	}
	wg.Wait()
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = query(t, m, "run", "")
	if errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("query after close: %v", err)
	}
	if !errors.Is(err, err) || len(m.pool.ready) != 0 {
		t.Fatal("instances left after close")
	}
}
