# pcsgate: the Makefile is the contract (see README.md).
GO      ?= go
export CGO_ENABLED = 0
BIN     := bin/pcsgate
FUZZTIME ?= 30s

.PHONY: run build test test-short test-race test-integration bench fuzz lint docs docs-check fixtures-update clean

## run: the gateway on its embedded default (SQLite and file drops under ./data, monitor on 127.0.0.1:8080)
run: build
	./$(BIN) run

## build: one static binary in bin/
build:
	$(GO) build -trimpath -o $(BIN) ./cmd/pcsgate

## test: every unit, fixture and fuzz-seed test; needs nothing but Go
test:
	$(GO) test -count=1 ./...

test-short:
	$(GO) test -short ./...

test-race:
	CGO_ENABLED=1 $(GO) test -race ./...

## test-integration: the same suite with the services named by PCSGATE_TEST_* (see .ci/run)
test-integration:
	@test -n "$$PCSGATE_TEST_POSTGRES" || echo "note: PCSGATE_TEST_POSTGRES is not set; PostgreSQL tests will skip"
	$(GO) test -count=1 -tags integration ./...

## bench: performance figures (never part of make test); the end-to-end
## file drop runs first, before the other benchmarks create and delete
## files (see README, Performance)
bench:
	PCSGATE_BENCH_DIR=$(CURDIR)/bin/bench $(GO) test -run '^$$' -bench FileDrop -benchtime 4000x ./transports/pipeline/
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchmem -benchtime 2000x -cpu 1 ./mappings/
	$(GO) test -run '^$$' -bench . -benchmem ./mappings/syntax/... ./canonical/... ./transports/store/ ./transports/filedrop/ ./transports/http/ ./transports/sftp/
	PCSGATE_BENCH_RSS=1 $(GO) test -count=1 -v -run 'TestLargeInterchangeRSS' ./cmd/pcsgate/ | grep -E 'peak RSS|^(ok|FAIL)'

## fuzz: time-boxed fuzzing of every parser and writer (FUZZTIME each)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## docs: regenerate each profile's README.md from its spec
docs:
	$(GO) run ./cmd/pcsgate mappings docs --dir mappings

## docs-check: fail when a generated README is stale
docs-check: docs
	git diff --exit-code -- mappings

fixtures-update:
	$(GO) test ./fixtures -update
	git status --short fixtures

clean:
	rm -rf bin
