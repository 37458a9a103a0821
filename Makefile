# Decision Gate server. `make test` is the whole test suite (what CI runs).
GO        ?= go
export GOTOOLCHAIN := local
export GOFLAGS     := -buildvcs=false
FUZZTIME  ?= 10s
PKGS      := ./...

.PHONY: all build test test-short fuzz bench lint plugins plugins-check clean

all: lint test build

build:
	$(GO) build -o bin/decision-gate ./cmd/decision-gate

# The full suite: vet + gofmt check, race-enabled tests, then every fuzz
# target for a short time.
test: lint
	$(GO) test -race -count=1 -timeout 20m $(PKGS)
	$(MAKE) fuzz

test-short:
	$(GO) test -count=1 -short $(PKGS)

# Each fuzz target runs for FUZZTIME (seed corpora always run in `go test`).
fuzz:
	@./.ci/fuzz-all.sh $(FUZZTIME)

bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
