package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Engine evaluates scenarios. Build it with [New]; it is safe for
// concurrent use.
type Engine struct {
	source EvidenceSource
	store  RunStore
	opts   Options

	mu    sync.RWMutex         // guards specs
	specs map[string]*compiled // by scenario_id

	runLocks sync.Map // RunKey.String() -> *sync.Mutex
}

// compiled is a defined spec with what evaluation needs precomputed.
type compiled struct {
	spec *scenario.Spec
	hash evidence.HashDigest
	// stageConds lists, per stage index, the condition ids its gates
	// reference in first-occurrence order.
	stageConds [][]string
	// gateConds lists, per stage and gate, the distinct condition ids the
	// gate references, sorted by byte order (the evidence record order).
	gateConds [][][]string
	conds     map[string]*scenario.Condition
	providers []string // sorted distinct provider ids
}

// New returns an engine over an evidence source and a run store.
func New(source EvidenceSource, store RunStore, opts *Options) *Engine {
	return &Engine{source: source, store: store, opts: opts.withDefaults(), specs: map[string]*compiled{}}
}

// Define registers a spec and returns its hash. With Options.Specs the spec
// is stored after validation and before it becomes visible: a spec that
// cannot be stored is not defined.
//
// # Errors
//
//   - AlreadyExists: "scenario already defined" (define is not idempotent);
//   - whatever Options.DefineCheck returns;
//   - FailedPrecondition: "invalid scenario spec: …" (structural);
//   - the spec store's code (Unavailable, …): "scenario store put error: …".
func (e *Engine) Define(ctx context.Context, spec *scenario.Spec) (evidence.HashDigest, error) {
	e.mu.RLock()
	_, dup := e.specs[spec.ScenarioID]
	e.mu.RUnlock()
	if dup {
		return evidence.HashDigest{}, errcode.New(errcode.AlreadyExists, "scenario already defined")
	}
	if e.opts.DefineCheck != nil {
		if err := e.opts.DefineCheck(spec); err != nil {
			return evidence.HashDigest{}, err
		}
	}
	c, err := Compile(spec)
	if err != nil {
		return evidence.HashDigest{}, err
	}
	if err := e.persist(ctx, spec); err != nil {
		return evidence.HashDigest{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// With a spec store, a stored spec is ours even if a concurrent lookup
	// already loaded it back.
	if _, dup := e.specs[spec.ScenarioID]; dup && e.opts.Specs == nil {
		return evidence.HashDigest{}, errcode.New(errcode.AlreadyExists, "scenario already defined")
	}
	e.specs[spec.ScenarioID] = c
	return c.hash, nil
}

// Compile validates a spec's structure and precomputes its evaluation plan.
// The engine compiles specs at Define; precheck compiles inline specs.
func Compile(spec *scenario.Spec) (*compiled, error) {
	if err := spec.Validate(); err != nil {
		return nil, errcode.Wrap(errcode.FailedPrecondition, "", err)
	}
	h, err := spec.Hash()
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, "", err)
	}
	c := &compiled{spec: spec, hash: h, conds: make(map[string]*scenario.Condition, len(spec.Conditions))}
	provs := map[string]bool{}
	for i := range spec.Conditions {
		cond := &spec.Conditions[i]
		c.conds[cond.ConditionID] = cond
		provs[cond.Query.ProviderID] = true
	}
	for p := range provs {
		c.providers = append(c.providers, p)
	}
	sort.Strings(c.providers)
	c.stageConds = make([][]string, len(spec.Stages))
	c.gateConds = make([][][]string, len(spec.Stages))
	for i := range spec.Stages {
		st := &spec.Stages[i]
		seen := map[string]bool{}
		var ids []string
		gc := make([][]string, len(st.Gates))
		for j := range st.Gates {
			ids = st.Gates[j].Requirement.ConditionIDs(ids, seen)
			gc[j] = st.Gates[j].Requirement.ConditionIDs(nil, map[string]bool{})
			sort.Strings(gc[j])
		}
		c.stageConds[i] = ids
		c.gateConds[i] = gc
	}
	return c, nil
}

// Spec returns a defined spec and its hash. A spec this engine does not
// hold is looked up in Options.Specs (see Options.BaseContext).
func (e *Engine) Spec(scenarioID string) (*scenario.Spec, evidence.HashDigest, bool) {
	c, ok := e.lookup(scenarioID)
	if !ok {
		return nil, evidence.HashDigest{}, false
	}
	return c.spec, c.hash, true
}

// Specs returns every defined spec, sorted by scenario id, including specs
// stored by other engines on the same spec store (see Options.BaseContext).
func (e *Engine) Specs() []*scenario.Spec {
	e.refreshStored()
	e.mu.RLock()
	out := make([]*scenario.Spec, 0, len(e.specs))
	for _, c := range e.specs {
		out = append(out, c.spec)
	}
	e.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ScenarioID < out[j].ScenarioID })
	return out
}

func (e *Engine) lookup(scenarioID string) (*compiled, bool) {
	if c, ok := e.cached(scenarioID); ok {
		return c, true
	}
	return e.lookupStored(scenarioID)
}

func (e *Engine) cached(scenarioID string) (*compiled, bool) {
	e.mu.RLock()
	c, ok := e.specs[scenarioID]
	e.mu.RUnlock()
	return c, ok
}

func (e *Engine) mustSpec(scenarioID string) (*compiled, error) {
	c, ok := e.lookup(scenarioID)
	if !ok {
		return nil, errcode.New(errcode.NotFound, "scenario not defined: %s", scenarioID)
	}
	return c, nil
}

// lockRun serialises calls on one run and returns the unlock function.
func (e *Engine) lockRun(key scenario.RunKey) func() {
	m, _ := e.runLocks.LoadOrStore(key.String(), &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// Run returns a snapshot of a run's state (for export and inspection). The
// snapshot shares no mutable lists with the engine.
func (e *Engine) Run(ctx context.Context, key scenario.RunKey) (*scenario.RunState, error) {
	unlock := e.lockRun(key)
	defer unlock()
	st, _, err := e.store.Load(ctx, key)
	if err != nil {
		return nil, err
	}
	return st.Clone(), nil
}

// controlErr builds an engine error (the -32030 family).
func controlErr(format string, args ...any) error {
	return errcode.New(errcode.FailedPrecondition, format, args...)
}

func runNotFound(key scenario.RunKey, err error) error {
	if errcode.Of(err) == errcode.NotFound {
		return controlErr("run not found: %s", key.RunID)
	}
	return errcode.Wrap(errcode.Unavailable, "", fmt.Errorf("run state store load error: %w", err))
}
