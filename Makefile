# Two entry points do everything on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
OUT ?= worlds/default
SEED ?= 42
SCALE ?= small
UNTIL ?=
WORKERS ?=

.PHONY: install build run test bench clean

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: node_modules/.package-lock.json

build: install
	npm run --silent build

run: build
	node bin/fraudworld.js run --out $(OUT) --seed $(SEED) --scale $(SCALE) $(if $(UNTIL),--until $(UNTIL)) $(if $(WORKERS),--workers $(WORKERS))

test: build
	npx prettier --check . --log-level warn
	npx vitest run --reporter=default --reporter=json --outputFile=build/vitest.json
	@node -e "const r=require('./build/vitest.json');console.log(r.numPassedTests+' passed, '+r.numFailedTests+' failed')"

bench: build
	node dist/bench/run.js

clean:
	rm -rf dist build worlds
