package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
)

// runLength is how many decisions a benchmark run takes before the worker
// starts a fresh run, so that run states keep a realistic size.
const runLength = 64

// BenchmarkDecision runs the store benchmarks of a backend: trigger →
// decision committed through a real engine with an instant evidence
// source, from 1 and from 8 concurrent clients (sub-benchmarks "c1" and
// "c8"), each client on its own runs. Every decision is durable when its
// trigger returns. It reports decisions/s.
func BenchmarkDecision(b *testing.B, h Harness) {
	BenchmarkRunStore(b, func(tb testing.TB) engine.RunStore {
		st, err := store.New(h.Open(tb, newPath(tb)), nil)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { st.Close() })
		return st
	})
}

// BenchmarkRunStore is [BenchmarkDecision] over any [engine.RunStore].
func BenchmarkRunStore(b *testing.B, newStore func(tb testing.TB) engine.RunStore) {
	for _, c := range []int{1, 8} {
		b.Run(fmt.Sprintf("c%d", c), func(b *testing.B) {
			eng := newEngine(b, NewSource(), newStore(b), nil)
			b.ReportAllocs()
			if c == 1 {
				w := &worker{eng: eng, name: "w0"}
				for b.Loop() {
					w.decide(b)
				}
			} else {
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for i := range c {
					w := &worker{eng: eng, name: fmt.Sprintf("w%d", i)}
					wg.Go(func() {
						for next.Add(1) <= int64(b.N) {
							w.decide(b)
						}
					})
				}
				wg.Wait()
				b.StopTimer()
			}
			if s := b.Elapsed().Seconds(); s > 0 {
				b.ReportMetric(float64(b.N)/s, "decisions/s")
			}
		})
	}
}

// worker is one benchmark client.
type worker struct {
	eng  *engine.Engine
	name string
	run  string
	n    int
}

// decide sends one trigger (starting a fresh run every runLength).
func (w *worker) decide(b *testing.B) {
	if w.n%runLength == 0 {
		w.run = fmt.Sprintf("%s-run-%d", w.name, w.n/runLength)
		cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: w.run, ScenarioID: ScenarioID}
		if _, err := w.eng.Start(context.Background(), cfg, evidenceAt(1), false); err != nil {
			b.Error(err)
			return
		}
	}
	w.n++
	res, err := trigger(context.Background(), w.eng, w.run, fmt.Sprintf("t%d", w.n), "bench", uint64(w.n+1))
	if err != nil || res.Decision.Outcome.Kind != scenario.OutcomeHold {
		b.Errorf("trigger: %v", err)
	}
}
