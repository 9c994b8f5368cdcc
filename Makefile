# Marionette build, test and demo targets.
GO        ?= go
BIN       := bin
LIBDIR    := $(BIN)/libdir
GOFLAGS   ?=
SHELL     := /bin/bash
# RabbitMQ for the integration tests: taken from the environment, else the
# local STOMP port when something listens there.
MARIONETTE_RABBITMQ ?= $(shell (echo >/dev/tcp/127.0.0.1/61613) 2>/dev/null && echo 127.0.0.1:61613)
export MARIONETTE_RABBITMQ
RUN_DIR   ?= $(CURDIR)/.run

.PHONY: all build test unit integration run vet fmt clean

all: build

## build: bin/mcollectived, bin/mco
build:
	$(GO) build $(GOFLAGS) -o $(BIN)/mcollectived ./cmd/mcollectived
	$(GO) build $(GOFLAGS) -o $(BIN)/mco ./cmd/mco

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
