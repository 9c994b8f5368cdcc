# Marionette build, test and demo targets.
GO        ?= go
BIN       := bin
LIBDIR    := $(BIN)/libdir
GOFLAGS   ?=
# Binaries are static (no cgo): the pure-Go resolver and user lookups serve,
# and an idle daemon maps no libc.
GOBUILD   := CGO_ENABLED=0 $(GO) build $(GOFLAGS)
SHELL     := /bin/bash
# RabbitMQ for the integration tests: taken from the environment, else the
# local STOMP port when something listens there.
MARIONETTE_RABBITMQ ?= $(shell (echo >/dev/tcp/127.0.0.1/61613) 2>/dev/null && echo 127.0.0.1:61613)
export MARIONETTE_RABBITMQ
RUN_DIR   ?= $(CURDIR)/.run

.PHONY: all build test unit integration run vet fmt clean

all: build

AGENTDIR  := $(LIBDIR)/mcollective/agent
PLUGINS   := $(notdir $(wildcard plugins/*))

## build: bin/mcollectived, its plugin host bin/mcollectived-plugins,
## bin/mco and bin/libdir with the shipped agents
build:
	$(GOBUILD) -o $(BIN)/mcollectived ./cmd/mcollectived
	$(GOBUILD) -o $(BIN)/mcollectived-plugins ./cmd/mcollectived-plugins
	$(GOBUILD) -o $(BIN)/mco ./cmd/mco
	@mkdir -p $(AGENTDIR)
	@for p in $(PLUGINS); do \
	  if ls plugins/$$p/*.go >/dev/null 2>&1 && grep -qs '^package main' plugins/$$p/*.go; then \
	    $(GOBUILD) -o $(AGENTDIR)/$$p ./plugins/$$p || exit 1; \
	  fi; \
	  for f in plugins/$$p/*.ddl plugins/$$p/*.json plugins/$$p/*.lua; do \
	    [ -e "$$f" ] && cp "$$f" $(AGENTDIR)/; \
	  done; \
	done; true

## test: the README's test command: vet, unit tests, then integration tests
## against the embedded broker, RabbitMQ and Ruby MCollective peers.
test: build vet unit integration

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

integration: build
	$(GO) test -count=1 -tags integration -timeout 15m ./integration/...

## run: the demo: embedded broker, three daemons, mco ping and find.
run: build
	./scripts/demo.sh "$(RUN_DIR)"

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) $(RUN_DIR)
include bench/bench.mk
