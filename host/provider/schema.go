package provider

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// DefaultSchemaCacheSize is how many compiled schemas the package's shared
// cache keeps (see [ValidateJSON]).
const DefaultSchemaCacheSize = 1024

// maxAliases bounds how many differently spelled documents (whitespace, key
// order) may point at one cached schema without being canonicalised again.
const maxAliases = 4

// CompiledSchema is a JSON Schema (draft 2020-12) compiled for validation.
// It is immutable and safe for concurrent use.
type CompiledSchema struct {
	schema *jsonschema.Schema
	digest [sha256.Size]byte
}

// Digest returns the SHA-256 of the schema's canonical JSON, in lower-case
// hex. Two documents that differ only in spelling share a digest.
func (s *CompiledSchema) Digest() string { return hex.EncodeToString(s.digest[:]) }

// Validate checks instance, one JSON document, against the schema. Numbers
// are decoded as json.Number, so large integers keep their exact value.
//
// # Errors
//
// A [*SchemaError] listing the violations, or an error if instance is not
// a single JSON value.
func (s *CompiledSchema) Validate(instance json.RawMessage) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(instance))
	if err != nil {
		return fmt.Errorf("invalid JSON instance: %w", err)
	}
	err = s.schema.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return &SchemaError{Problems: problems(ve)}
}

// SchemaError is a failed validation: one problem per violated keyword,
// each "at '<JSON pointer>': <reason>". Its message joins them with "; ".
// The wording is the validator's and differs from the reference server's;
// only the failure itself is part of the contract.
type SchemaError struct {
	Problems []string
}

// Error returns the problems joined with "; ".
func (e *SchemaError) Error() string { return strings.Join(e.Problems, "; ") }

// problems lists the leaves of a validation error tree, the violations
// themselves, each as "at '<instance location>': <reason>".
func problems(ve *jsonschema.ValidationError) []string {
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaf := jsonschema.ValidationError{SchemaURL: e.SchemaURL, InstanceLocation: e.InstanceLocation, ErrorKind: e.ErrorKind}
			out = append(out, leaf.Error())
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// oneLine folds a multi-line library message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// SchemaCache compiles JSON Schema documents and keeps the results, keyed
// by the SHA-256 of each document's canonical JSON (RFC 8785), so the same
// schema is compiled once however it is spelled. It holds at most a fixed
// number of schemas and forgets the least recently used first. Failed
// compilations are cached too, since they fail the same way every time.
//
// A SchemaCache is safe for concurrent use; concurrent requests for the
// same schema wait for a single compilation.
type SchemaCache struct {
	max int

	mu      sync.Mutex
	byCanon map[[sha256.Size]byte]*cacheEntry // guarded by mu
	byRaw   map[[sha256.Size]byte]*cacheEntry // guarded by mu; digests of the exact bytes seen
	lru     list.List                         // guarded by mu; of *cacheEntry, most recent first
}

type cacheEntry struct {
	canon   [sha256.Size]byte
	aliases [][sha256.Size]byte // guarded by SchemaCache.mu
	elem    *list.Element       // guarded by SchemaCache.mu

	ready  chan struct{} // closed once schema or err is set
	schema *CompiledSchema
	err    error
}

// NewSchemaCache returns an empty cache that keeps up to size compiled
// schemas (at least 1).
func NewSchemaCache(size int) *SchemaCache {
	return &SchemaCache{
		max:     max(1, size),
		byCanon: make(map[[sha256.Size]byte]*cacheEntry),
		byRaw:   make(map[[sha256.Size]byte]*cacheEntry),
	}
}

// Len returns how many schemas the cache holds.
func (c *SchemaCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Compile returns the compiled form of schema, a JSON Schema document
// (draft 2020-12 unless it names another draft in $schema). References are
// resolved only inside the document: a $ref to any other URL fails, so
// compiling never reads files or the network. format is an annotation, not
// an assertion, as draft 2020-12 specifies; patterns use Go's RE2 syntax.
//
// # Errors
//
// An error naming the cause when schema is not JSON or does not compile.
func (c *SchemaCache) Compile(schema json.RawMessage) (*CompiledSchema, error) {
	raw := sha256.Sum256(schema)
	c.mu.Lock()
	e, ok := c.byRaw[raw]
	if ok {
		c.lru.MoveToFront(e.elem)
	}
	c.mu.Unlock()
	if ok {
		<-e.ready
		return e.schema, e.err
	}

	canon, err := canonjson.Transform(schema)
	if err != nil {
		return nil, fmt.Errorf("schema is not valid JSON: %w", err)
	}
	key := sha256.Sum256(canon)

	c.mu.Lock()
	e, ok = c.byCanon[key]
	if ok {
		c.lru.MoveToFront(e.elem)
		c.aliasLocked(e, raw)
		c.mu.Unlock()
		<-e.ready
		return e.schema, e.err
	}
	e = &cacheEntry{canon: key, ready: make(chan struct{})}
	e.elem = c.lru.PushFront(e)
	c.byCanon[key] = e
	c.aliasLocked(e, raw)
	for c.lru.Len() > c.max {
		c.evictLocked(c.lru.Back().Value.(*cacheEntry))
	}
	c.mu.Unlock()

	sch, err := compile(canon, key)
	if err != nil {
		e.err = err
	} else {
		e.schema = &CompiledSchema{schema: sch, digest: key}
	}
	close(e.ready)
	return e.schema, e.err
}

// Validate compiles schema (through the cache) and validates instance
// against it. A nil instance only compiles the schema.
//
// # Errors
//
// As for [SchemaCache.Compile] and [CompiledSchema.Validate].
func (c *SchemaCache) Validate(schema, instance json.RawMessage) error {
	s, err := c.Compile(schema)
	if err != nil {
		return err
	}
	if instance == nil {
		return nil
	}
	return s.Validate(instance)
}

func (c *SchemaCache) aliasLocked(e *cacheEntry, raw [sha256.Size]byte) {
	if _, ok := c.byRaw[raw]; ok || len(e.aliases) >= maxAliases {
		return
	}
	c.byRaw[raw] = e
	e.aliases = append(e.aliases, raw)
}

func (c *SchemaCache) evictLocked(e *cacheEntry) {
	c.lru.Remove(e.elem)
	delete(c.byCanon, e.canon)
	for _, a := range e.aliases {
		delete(c.byRaw, a)
	}
}

// denyLoader refuses every external reference.
type denyLoader struct{}

func (denyLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external schema references are not allowed: %s", url)
}

// compile compiles one canonical schema document with a fresh compiler, so
// that $id values of different documents never collide.
func compile(canon []byte, key [sha256.Size]byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(canon))
	if err != nil {
		return nil, fmt.Errorf("schema is not valid JSON: %w", err)
	}
	loc := "dgw:///schemas/" + hex.EncodeToString(key[:]) + ".json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(denyLoader{})
	if err := c.AddResource(loc, doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, errors.New(oneLine(err.Error()))
	}
	return sch, nil
}

// schemas is the cache shared by the package functions and every
// [Registry]. Compiled schemas depend only on their canonical bytes, so one
// process-wide cache is safe to share.
var schemas = NewSchemaCache(DefaultSchemaCacheSize)

// CompileSchema compiles schema through the package's shared cache.
//
// # Errors
//
// As for [SchemaCache.Compile].
func CompileSchema(schema json.RawMessage) (*CompiledSchema, error) { return schemas.Compile(schema) }

// ValidateJSON validates instance against schema through the package's
// shared cache; a nil instance only compiles the schema. Its signature is
// the validate function that compare.CheckCondition takes.
//
//	err := provider.ValidateJSON(check.ResultSchema, json.RawMessage(`"prod"`))
//
// # Errors
//
// As for [SchemaCache.Validate].
func ValidateJSON(schema, instance json.RawMessage) error { return schemas.Validate(schema, instance) }
