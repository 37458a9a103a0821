package store

import (
	"sync"

	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// DefaultCacheBytes is the default budget of the run-state cache.
const DefaultCacheBytes = 64 << 20

// stateCache keeps, for recently used runs, the decoded form of the latest
// version and the canonical encodings of its lists, validated by version
// and checksum:
//
//   - a Load whose verified blob has the cached checksum skips decoding,
//     which is most of the cost of a load (the blob is still read and its
//     checksum recomputed on every Load), and with a [driver.LatestLoader]
//     a Load of the cached version does not read the blob at all;
//   - LoadCached hands out a copy with no I/O at all, for calls whose
//     save checks that the version is still the latest;
//   - a Save of the very state a Load of the cached version handed out
//     encodes only the records appended since (see encodeRun).
type stateCache struct {
	budget int // bytes the cache may account for; <= 0 disables it

	mu      sync.Mutex // guards entries and used
	entries map[scenario.RunKey]*cacheEntry
	used    int
}

type cacheEntry struct {
	version driver.Version
	sum     driver.Checksum
	size    int
	st      *scenario.RunState // never handed out: callers get clones
	enc     *encoded           // where the lists of st lie in its blob, or nil
	handed  *scenario.RunState // the last copy handed out or saved for this version
}

func newStateCache(budget int) *stateCache {
	return &stateCache{budget: budget, entries: map[scenario.RunKey]*cacheEntry{}}
}

// get returns a private copy of the cached state of key if it is version v
// with checksum sum, and remembers the copy as handed out.
func (c *stateCache) get(key scenario.RunKey, v driver.Version, sum driver.Checksum) (*scenario.RunState, bool) {
	if c.budget <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != v || e.sum != sum {
		return nil, false
	}
	st := e.st.Clone()
	e.handed = st
	return st, true
}

// current returns a private copy of the cached state of key, whatever its
// version, with that version and checksum, and remembers the copy as
// handed out.
func (c *stateCache) current(key scenario.RunKey) (*scenario.RunState, driver.Version, driver.Checksum, bool) {
	if c.budget <= 0 {
		return nil, 0, driver.Checksum{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, 0, driver.Checksum{}, false
	}
	st := e.st.Clone()
	e.handed = st
	return st, e.version, e.sum, true
}

// encoding returns the list encodings of version prev of st's run if st is
// the state handed out for it (so st is that version plus appended
// records), or nil.
func (c *stateCache) encoding(st *scenario.RunState, prev driver.Version) *encoded {
	if c.budget <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[st.Key()]
	if !ok || e.version != prev || e.handed != st {
		return nil
	}
	return e.enc
}

// put caches version v of st's run. handed is the copy the caller holds
// (which must be st's content at version v), or nil.
func (c *stateCache) put(st *scenario.RunState, v driver.Version, sum driver.Checksum, blobSize int, enc *encoded, handed *scenario.RunState) {
	size := blobSize // enc, when set, points into that blob
	if c.budget <= 0 || size > c.budget/4 {
		c.drop(st.Key())
		return
	}
	e := &cacheEntry{version: v, sum: sum, size: size, st: st.Clone(), enc: enc, handed: handed}
	key := st.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.used -= old.size
	}
	c.entries[key] = e
	c.used += size
	for k, old := range c.entries { // map order is random: a cheap random eviction
		if c.used <= c.budget {
			break
		}
		if k != key {
			delete(c.entries, k)
			c.used -= old.size
		}
	}
}

// drop forgets a run (after a failed write, whose outcome may be unknown).
func (c *stateCache) drop(key scenario.RunKey) {
	if c.budget <= 0 {
		return
	}
	c.mu.Lock()
	if old, ok := c.entries[key]; ok {
		c.used -= old.size
		delete(c.entries, key)
	}
	c.mu.Unlock()
}
