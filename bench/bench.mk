# Fleet benchmark targets; the Makefile includes this file
# (include bench/bench.mk) and provides GO, GOFLAGS, GOBUILD, BIN and build.
#
#   make bench-quick   N = 10, 100, 1000 on the embedded broker (under a minute)
#   make bench         N up to 50000, RabbitMQ and Ruby MCollective (minutes)
#
# Both write bench/results.json, bench/results.md and bench/results.png.
# BENCH_FLAGS passes more flags to the driver, e.g.
#   make bench-quick BENCH_FLAGS='-profile bench/profiles -keep'

GO      ?= go
BIN     ?= bin
BENCH_FLAGS ?=

.PHONY: bench bench-quick bench-bins

## bench-bins: bin/mcfleet (virtual fleet) and bin/floor (raw go-stomp floor)
bench-bins:
	$(GOBUILD) -o $(BIN)/mcfleet ./cmd/mcfleet
	$(GOBUILD) -o $(BIN)/floor ./bench/cmd/floor

## bench-quick: the quick fleet benchmark (under a minute)
bench-quick: build bench-bins
	$(GO) run $(GOFLAGS) ./bench/cmd/benchrun -quick -bin $(BIN) -out bench $(BENCH_FLAGS)

## bench: the full fleet benchmark
bench: build bench-bins
	$(GO) run $(GOFLAGS) ./bench/cmd/benchrun -bin $(BIN) -out bench $(BENCH_FLAGS)
