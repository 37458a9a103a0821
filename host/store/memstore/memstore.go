package memstore

import (
	"context"
	"sync"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
)

// Store keeps run state in a map. It is safe for concurrent use. The engine
// serialises calls per run and mutates the state it loaded in place, rolling
// back on failure, so Load hands out the stored pointer without copying.
type Store struct {
	mu   sync.RWMutex // guards runs
	runs map[scenario.RunKey]*entry
}

type entry struct {
	st  *scenario.RunState
	ver engine.Version
}

// New returns an empty store.
func New() *Store { return &Store{runs: map[scenario.RunKey]*entry{}} }

// Load implements [engine.RunStore].
func (s *Store) Load(_ context.Context, key scenario.RunKey) (*scenario.RunState, engine.Version, error) {
	s.mu.RLock()
	e, ok := s.runs[key]
	s.mu.RUnlock()
	if !ok {
		return nil, 0, errcode.New(errcode.NotFound, "run not found: %s", key.RunID)
	}
	return e.st, e.ver, nil
}

// Create implements [engine.RunStore].
func (s *Store) Create(_ context.Context, st *scenario.RunState) (engine.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := st.Key()
	if _, ok := s.runs[key]; ok {
		return 0, errcode.New(errcode.AlreadyExists, "run already exists: %s", key.RunID)
	}
	s.runs[key] = &entry{st: st, ver: 1}
	return 1, nil
}

// Save implements [engine.RunStore].
func (s *Store) Save(_ context.Context, st *scenario.RunState, prev engine.Version) (engine.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := st.Key()
	e, ok := s.runs[key]
	if !ok {
		return 0, errcode.New(errcode.NotFound, "run not found: %s", key.RunID)
	}
	if e.ver != prev {
		return 0, errcode.New(errcode.Conflict, "run %s changed (version %d, expected %d)", key.RunID, e.ver, prev)
	}
	e.st, e.ver = st, e.ver+1
	return e.ver, nil
}

// Keys returns every stored run key.
func (s *Store) Keys() []scenario.RunKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]scenario.RunKey, 0, len(s.runs))
	for k := range s.runs {
		out = append(out, k)
	}
	return out
}

var _ engine.RunStore = (*Store)(nil)
