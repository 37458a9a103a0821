package main

import (
	"bytes"
	"sync"

	"github.com/decision-gate/dgw/sdk"
)

// Gates are evaluated again and again over files that rarely change: an
// agent polls scenario_next until a report appears or improves. Inside a
// Wasm module, parsing a document, selecting a path and encoding the value
// cost far more than reading the file, so the module remembers its last
// answers. The file is still read on every query, and an answer is reused
// only when everything it depends on is byte-for-byte the same: the config,
// the resolved path, the JSONPath and the file's contents.

// resultCacheEntries and resultCacheMaxFile bound the cache to 1 MiB of
// documents: a handful of files per gate is typical, and the parse of a
// larger file is dominated by its own size rather than by the call.
const (
	resultCacheEntries = 16
	resultCacheMaxFile = 64 << 10
)

var resultCache struct {
	mu      sync.Mutex // guards the fields below (native tests may run concurrently)
	entries [resultCacheEntries]resultEntry
	next    int // the slot the next entry replaces: the oldest
}

type resultEntry struct {
	cfg      config
	rel      string
	jsonPath string
	hasPath  bool
	data     []byte      // the file's contents
	res      *sdk.Result // nil marks an empty slot
}

// cachedResult returns the result remembered for these inputs, or nil.
// Results are shared: the SDK only reads them.
func cachedResult(cfg config, rel string, jsonPath *string, data []byte) *sdk.Result {
	resultCache.mu.Lock()
	defer resultCache.mu.Unlock()
	for i := range resultCache.entries {
		e := &resultCache.entries[i]
		if e.res != nil && e.cfg == cfg && e.rel == rel && e.hasPath == (jsonPath != nil) &&
			(jsonPath == nil || e.jsonPath == *jsonPath) && bytes.Equal(e.data, data) {
			return e.res
		}
	}
	return nil
}

// rememberResult stores res for these inputs in place of the oldest entry.
// Files over resultCacheMaxFile are not kept.
func rememberResult(cfg config, rel string, jsonPath *string, data []byte, res *sdk.Result) {
	if len(data) > resultCacheMaxFile {
		return
	}
	e := resultEntry{cfg: cfg, rel: rel, hasPath: jsonPath != nil, data: bytes.Clone(data), res: res}
	if jsonPath != nil {
		e.jsonPath = *jsonPath
	}
	resultCache.mu.Lock()
	defer resultCache.mu.Unlock()
	resultCache.entries[resultCache.next] = e
	resultCache.next = (resultCache.next + 1) % resultCacheEntries
}

// The engine sends a condition's params as the same bytes on every query,
// so their parse is remembered too, keyed by those bytes.

const paramsCacheEntries = 64

var paramsCache struct {
	mu sync.Mutex // guards m
	m  map[string]parsedParams
}

type parsedParams struct {
	file     string
	jsonPath *string // shared; never modified
	f        *failure
}

func cachedParams(raw []byte) (parsedParams, bool) {
	paramsCache.mu.Lock()
	defer paramsCache.mu.Unlock()
	p, ok := paramsCache.m[string(raw)]
	return p, ok
}

// rememberParams stores p for raw, starting afresh when the cache is full.
// Params over 1 KiB are not kept.
func rememberParams(raw []byte, p parsedParams) {
	if len(raw) > 1<<10 {
		return
	}
	paramsCache.mu.Lock()
	defer paramsCache.mu.Unlock()
	if paramsCache.m == nil || len(paramsCache.m) >= paramsCacheEntries {
		paramsCache.m = make(map[string]parsedParams, paramsCacheEntries)
	}
	paramsCache.m[string(raw)] = p
}
