# Quarry: make targets. `make test` is exactly what CI runs (.ci/run).
GO        ?= go
BIN       := bin
PKGS      := ./...
# Consensus code runs under the race detector; the rest without it to keep CI fast.
RACE_PKGS := ./chain/...
FUZZTIME  ?= 30s

.PHONY: all build run test test-long fuzz bench lint clean testnet

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# A local dev chain (see README): mines, funds the test accounts, RPC on 127.0.0.1:8545.
run:
	$(GO) run ./cmd/quarryd dev

test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(RACE_PKGS)
	$(GO) test -count=1 $$($(GO) list $(PKGS) | grep -v '/chain')

test-long:
	$(GO) test -race -count=1 -timeout 60m -tags long $(PKGS)

# Runs every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for fz in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$fz"; \
	    $(GO) test -run '^$$' -fuzz "^$$fz$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck $(PKGS); else echo "staticcheck not installed: skipped"; fi

clean:
	rm -rf $(BIN)

# A private testnet of local nodes under $QUARRY_TESTNET_DIR (default ./testnet);
# e.g. make testnet TESTNET_ARGS="-n 4 --miners 2". Then scripts/testnet.sh
# status, logs N, stop N, start N, partition 1,2 3, heal, down.
testnet:
	GO=$(GO) ./scripts/testnet.sh up $(TESTNET_ARGS)
