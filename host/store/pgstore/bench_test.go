package pgstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/internal/pgtest"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// BenchmarkDurableDecision is the suite's store benchmark: one engine, 1
// and 8 clients, every decision committed before its trigger returns.
func BenchmarkDurableDecision(b *testing.B) {
	pgtest.Admin(b)
	storetest.BenchmarkDecision(b, harness())
}

// benchRunLength is how many decisions a client takes on one run before it
// starts a fresh one, so that run states keep a realistic size (the same
// as the suite's benchmark).
const benchRunLength = 64

// BenchmarkReplicas measures durable decisions/s with one and with two
// replicas (engines with their own pools, sharing only the database), each
// replica serving c clients of its own; every client works on its own
// runs. The ratio of replicas2 to replicas1 at the same c is the scale-out
// factor. It also reports the CPU time per decision of the replicas (this
// process) and of the PostgreSQL server: on a shared machine throughput
// varies with the neighbours' load, CPU per decision does not.
func BenchmarkReplicas(b *testing.B) {
	dsn := pgtest.DSN(b)
	var invocation atomic.Int64 // run ids stay unique across b.N rounds
	for _, n := range []int{1, 2} {
		for _, c := range []int{1, 8} {
			b.Run(fmt.Sprintf("replicas%d/c%d", n, c), func(b *testing.B) {
				reps := newReplicas(b, dsn, n, storetest.NewSource(), &Options{MaxConns: int32(c)})
				prefix := fmt.Sprintf("b%d-", invocation.Add(1))
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ReportAllocs()
				b.ResetTimer()
				cpu := readCPU()
				for r, rep := range reps {
					for i := range c {
						cl := &benchClient{rep: rep, name: fmt.Sprintf("%sr%dc%d", prefix, r, i)}
						wg.Go(func() {
							for next.Add(1) <= int64(b.N) {
								cl.decide(b)
							}
						})
					}
				}
				wg.Wait()
				b.StopTimer()
				if s := b.Elapsed().Seconds(); s > 0 {
					b.ReportMetric(float64(b.N)/s, "decisions/s")
				}
				// Clients work on runs of their own: a save race here would
				// mean replicas get in each other's way.
				b.ReportMetric(float64(conflicts(reps)), "conflicts")
				self, pg, ok := cpu.since(b.N)
				b.ReportMetric(self, "go-cpu-µs/decision")
				if ok {
					b.ReportMetric(pg, "pg-cpu-µs/decision")
				}
			})
		}
	}
}

// benchClient sends triggers to one replica.
type benchClient struct {
	rep  *replica
	name string
	run  string
	n    int
}

// decide sends one trigger (starting a fresh run every benchRunLength)
// and checks that it was decided.
func (c *benchClient) decide(b *testing.B) {
	ctx := context.Background()
	if c.n%benchRunLength == 0 {
		c.run = fmt.Sprintf("%s-run-%d", c.name, c.n/benchRunLength)
		if err := start(ctx, c.rep, c.run); err != nil {
			b.Error(err)
			return
		}
	}
	c.n++
	res, err := fire(ctx, c.rep, c.run, fmt.Sprintf("t%d", c.n), uint64(c.n+1))
	if err != nil || res.Decision.Outcome.Kind != scenario.OutcomeHold {
		b.Errorf("trigger: %v", err)
	}
}
