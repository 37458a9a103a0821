package main

import "sync"

// pathCache keeps the compiled form of the JSONPath expressions a
// scenario uses, so a gate evaluated again and again does not re-tokenise
// and re-parse its paths. Inside a Wasm module every allocation and loop
// is expensive; a handful of distinct paths per provider is typical.
var pathCache struct {
	mu      sync.Mutex // guards entries and next (native tests may run concurrently)
	entries [32]pathEntry
	next    int
}

type pathEntry struct {
	path  string
	steps []step
	err   error
	set   bool
}

// compiledPath returns the evaluation steps of path, compiling it on a
// miss. The steps are never modified by evaluation, so they are shared.
func compiledPath(path string) ([]step, error) {
	pathCache.mu.Lock()
	defer pathCache.mu.Unlock()
	for i := range pathCache.entries {
		if e := &pathCache.entries[i]; e.set && e.path == path {
			return e.steps, e.err
		}
	}
	tree, err := parseJSONPath(path)
	var steps []step
	if err == nil {
		steps = flatten(tree, nil)
	}
	pathCache.entries[pathCache.next] = pathEntry{path: path, steps: steps, err: err, set: true}
	pathCache.next = (pathCache.next + 1) % len(pathCache.entries)
	return steps, err
}
