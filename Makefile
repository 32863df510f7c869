# pcsgate: the Makefile is the contract (see README.md).
GO      ?= go
export CGO_ENABLED = 0
BIN     := bin/pcsgate
FUZZTIME ?= 30s
# packages with a purego variant (no unsafe), and those that decode through them
PUREGO_PKGS := ./mappings/... ./fixtures/

.PHONY: run build test test-purego test-short test-race test-integration bench bench-fleet bench-peers fuzz lint docs docs-check fixtures-update clean

## run: the gateway on its embedded default (SQLite and file drops under ./data, monitor on 127.0.0.1:8080)
run: build
	./$(BIN) run

# what pcsgate --version prints; outside a git checkout the binary falls
# back on the build information Go records
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT     ?= $(shell git rev-parse HEAD 2>/dev/null)
BUILD_DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS    := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(BUILD_DATE)

## build: one static binary in bin/, stamped with its version, commit and date
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/pcsgate

## test: every unit, fixture and fuzz-seed test, then the packages with a
## purego variant once more built without unsafe; needs nothing but Go
test:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags purego $(PUREGO_PKGS)

## test-purego: the whole suite built with -tags purego
test-purego:
	$(GO) test -count=1 -tags purego ./...

test-short:
	$(GO) test -short ./...

test-race:
	CGO_ENABLED=1 $(GO) test -race ./...

## test-integration: the same suite with the services named by PCSGATE_TEST_* (see .ci/run)
## the crash and fault campaigns' summary lines (transporttest.Figure) are
## printed at the end when PCSGATE_TEST_ARTIFACTS is set
test-integration:
	@test -n "$$PCSGATE_TEST_POSTGRES" || echo "note: PCSGATE_TEST_POSTGRES is not set; PostgreSQL tests will skip"
	@if [ -n "$$PCSGATE_TEST_ARTIFACTS" ]; then rm -f "$$PCSGATE_TEST_ARTIFACTS/figures.txt"; fi
	$(GO) test -count=1 -tags integration ./...
	@if [ -s "$$PCSGATE_TEST_ARTIFACTS/figures.txt" ]; then echo "== figures of the crash and fault campaigns"; cat "$$PCSGATE_TEST_ARTIFACTS/figures.txt"; fi

## bench: performance figures (never part of make test); the end-to-end
## file drop runs first, before the other benchmarks create and delete
## files (see README, Performance). Each step's output is kept in
## bin/bench/*.txt; the run ends with the table of every figure against
## its target, also written to bin/bench/results.json.
BENCH_DIR := bin/bench
bench: SHELL := /bin/bash
bench: .SHELLFLAGS := -o pipefail -c
bench:
	@mkdir -p $(BENCH_DIR) && rm -f $(BENCH_DIR)/*.txt
	@test -n "$$PCSGATE_TEST_POSTGRES" || echo "note: PCSGATE_TEST_POSTGRES is not set; the PostgreSQL file-drop figures will not be measured"
	PCSGATE_BENCH_DIR=$(CURDIR)/$(BENCH_DIR) $(GO) test -run '^$$' -bench FileDropThroughput -benchtime 4000x ./transports/pipeline/ | tee $(BENCH_DIR)/filedrop-throughput.txt
	PCSGATE_BENCH_DIR=$(CURDIR)/$(BENCH_DIR) $(GO) test -run '^$$' -bench FileDropLatency -benchtime 1x ./transports/pipeline/ | tee $(BENCH_DIR)/filedrop-latency.txt
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench '^(BenchmarkInbound|BenchmarkHandwritten)' -benchmem -benchtime 2000x -cpu 1 ./mappings/ | tee $(BENCH_DIR)/mappings-inbound.txt
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -skip '^(BenchmarkInbound|BenchmarkHandwritten)' -benchmem -benchtime 1s -cpu 1 ./mappings/ | tee $(BENCH_DIR)/mappings-batch.txt
	$(GO) test -run '^$$' -bench . -benchmem ./mappings/syntax/... ./canonical/... ./transports/store/ ./transports/filedrop/ ./transports/http/ ./transports/sftp/ | tee $(BENCH_DIR)/packages.txt
	PCSGATE_BENCH_RSS=1 $(GO) test -count=1 -v -run 'TestLargeInterchangeRSS' ./cmd/pcsgate/ | tee $(BENCH_DIR)/rss.txt | grep -E 'peak RSS|^(ok|FAIL)'
	@echo
	$(GO) run ./cmd/benchtable -dir $(BENCH_DIR)
	@rm -rf $(BENCH_DIR)/pcsgate-bench-*

## bench-fleet: opt-in, needs PCSGATE_TEST_POSTGRES: throughput of 1, 2 and
## 3 pcsgate processes on one PostgreSQL schema, each fed by webhook, with
## CPU per message and where the time went; PCSGATE_BENCH_PIN=1 runs each
## instance on one CPU (GOMAXPROCS=1 under taskset), PCSGATE_BENCH_PARTITIONS=N
## adds runs with N outbound partitions. Output in bin/bench/fleet-scaling.txt
bench-fleet: SHELL := /bin/bash
bench-fleet: .SHELLFLAGS := -o pipefail -c
bench-fleet:
	@test -n "$$PCSGATE_TEST_POSTGRES" || { echo "make bench-fleet needs PCSGATE_TEST_POSTGRES=postgres://..."; exit 1; }
	@mkdir -p $(BENCH_DIR)
	$(GO) test -tags integration -run '^$$' -bench FleetScaling -benchtime 1x ./transports/pipeline/ | tee $(BENCH_DIR)/fleet-scaling.txt

## bench-peers: opt-in, needs node and npm: times node-edifact's tokenizer
## (npm edifact@1.2.12, installed into bin/peers) against pcsgate translate
## on the 100 MB COREOR interchange, three alternated rounds each, and
## writes bin/bench/peers.json for make bench's table
PEERS_DIR     := bin/peers
PEERS_INPUT   := $(PEERS_DIR)/coreor-100mb.edi
NODE_EDIFACT  := edifact@1.2.12
bench-peers: build
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "make bench-peers needs node and npm"; exit 1; }
	@grep -qs '"version": "1.2.12"' $(PEERS_DIR)/node_modules/edifact/package.json || \
	  npm --prefix $(PEERS_DIR) install --no-audit --no-fund $(NODE_EDIFACT)
	@test -f $(PEERS_INPUT) || \
	  PCSGATE_WRITE_INTERCHANGE=$(CURDIR)/$(PEERS_INPUT) $(GO) test -count=1 -run '^TestWriteLargeInterchange$$' ./cmd/pcsgate/
	@mkdir -p $(BENCH_DIR)
	$(GO) run ./cmd/benchtable peers -node-modules $(PEERS_DIR)/node_modules -input $(PEERS_INPUT) -pcsgate $(BIN) -out $(BENCH_DIR)/peers.json

## fuzz: time-boxed fuzzing of every parser and writer (FUZZTIME each)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## lint: gofmt, go vet, staticcheck and a dead-code check; the checkers are
## pinned here and installed into bin/ on first use. Integration tests count,
## and the purego variants under mappings/ are checked too.
STATICCHECK_VERSION := v0.8.2
DEADCODE_VERSION    := v0.52.0
STATICCHECK := bin/staticcheck-$(STATICCHECK_VERSION)
DEADCODE    := bin/deadcode-$(DEADCODE_VERSION)

lint: $(STATICCHECK) $(DEADCODE)
	@fail=0; \
	out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; fail=1; fi; \
	for cmd in "$(GO) vet -tags integration ./..." \
	           "$(GO) vet -tags purego ./mappings/..." \
	           "$(STATICCHECK) -tags integration ./..." \
	           "$(STATICCHECK) -tags purego ./mappings/..."; do \
	  echo "$$cmd"; $$cmd || fail=1; \
	done; \
	echo "$(DEADCODE) -test -tags integration ./..."; \
	out=$$($(DEADCODE) -test -tags integration ./...) || fail=1; \
	if [ -n "$$out" ]; then echo "$$out"; echo "deadcode: reached neither from main nor from a test"; fail=1; fi; \
	exit $$fail

$(STATICCHECK):
	GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv bin/staticcheck $@

$(DEADCODE):
	GOBIN=$(CURDIR)/bin $(GO) install golang.org/x/tools/cmd/deadcode@$(DEADCODE_VERSION)
	mv bin/deadcode $@

## docs: regenerate each profile's README.md from its spec
docs:
	$(GO) run ./cmd/pcsgate mappings docs --dir mappings
	$(GO) run ./transports/pipeline/internal/configdoc

## docs-check: fail when a generated README is stale
docs-check: docs
	git diff --exit-code -- mappings README.md transports/pipeline/pcsgate.schema.json

fixtures-update:
	$(GO) test ./fixtures -update
	git status --short fixtures

clean:
	rm -rf bin
