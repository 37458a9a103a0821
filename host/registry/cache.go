package registry

import (
	"container/list"
	"context"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/registry/driver"
)

// cacheKey names a compiled schema.
type cacheKey struct {
	scope driver.Scope
	key   driver.Key
}

// schemaCache keeps the most recently used compiled schemas. Records are
// immutable, so an entry never goes stale. Concurrent misses for the same
// key share one load.
type schemaCache struct {
	max int

	mu       sync.Mutex                 // guards the fields below
	order    *list.List                 // of *cacheEntry, most recently used first
	items    map[cacheKey]*list.Element // into order
	inflight map[cacheKey]*flight
}

type cacheEntry struct {
	k   cacheKey
	sch *jsonschema.Schema
}

// flight is one load in progress; done is closed when sch and err are set.
type flight struct {
	done chan struct{}
	sch  *jsonschema.Schema
	err  error
}

func newSchemaCache(max int) *schemaCache {
	return &schemaCache{
		max:      max,
		order:    list.New(),
		items:    map[cacheKey]*list.Element{},
		inflight: map[cacheKey]*flight{},
	}
}

// get returns the cached schema for k, or calls load once for all callers
// that miss at the same time. A waiter whose own context is still live
// retries when the load it waited for was cut short by the loader's context.
func (c *schemaCache) get(ctx context.Context, k cacheKey, load func() (*jsonschema.Schema, error)) (*jsonschema.Schema, error) {
	for {
		c.mu.Lock()
		if el, ok := c.items[k]; ok {
			c.order.MoveToFront(el)
			c.mu.Unlock()
			return el.Value.(*cacheEntry).sch, nil
		}
		if f, ok := c.inflight[k]; ok {
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, contextError("registry: compiled", ctx)
			}
			if f.err != nil && isContextCode(f.err) && ctx.Err() == nil {
				continue
			}
			return f.sch, f.err
		}
		f := &flight{done: make(chan struct{})}
		c.inflight[k] = f
		c.mu.Unlock()

		f.sch, f.err = load()
		c.mu.Lock()
		delete(c.inflight, k)
		if f.err == nil {
			c.addLocked(k, f.sch)
		}
		c.mu.Unlock()
		close(f.done)
		return f.sch, f.err
	}
}

// add caches sch under k.
func (c *schemaCache) add(k cacheKey, sch *jsonschema.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(k, sch)
}

func (c *schemaCache) addLocked(k cacheKey, sch *jsonschema.Schema) {
	if c.max <= 0 {
		return
	}
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&cacheEntry{k: k, sch: sch})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).k)
	}
}

// len returns the number of cached schemas.
func (c *schemaCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func isContextCode(err error) bool {
	code := errcode.Of(err)
	return code == errcode.Canceled || code == errcode.DeadlineExceeded
}
