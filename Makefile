# Quarry: make targets. `make test` is exactly what CI runs (.ci/run).
GO        ?= go
BIN       := bin
PKGS      := ./...
# Consensus code runs under the race detector; the rest without it to keep CI fast.
RACE_PKGS := ./chain/...
FUZZTIME  ?= 30s

.PHONY: all build run test test-long fuzz bench lint clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# A local dev chain (see README). Until the node lands this prints the dev genesis.
run:
	$(GO) run ./cmd/quarryd dumpgenesis --dev

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
