# The Step Functions "Orchestrate Lambda functions" sample, run locally.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
SFNLOCAL := $(VENV)/bin/sfnlocal
PYTEST := $(VENV)/bin/pytest

# STACK: auto (container when a Docker engine answers, else embedded), embedded or container.
STACK ?= auto
export STACK
# TEST_STACK: which stack the end-to-end tests use (see README, "How tests pick their stack").
TEST_STACK ?= auto
export TEST_STACK

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: envs
envs: ## Create or refresh the virtual environments from the locks in requirements/
	@scripts/setup-envs tooling engine runtimes functions

# The default sample runs on Python alone: the Node.js runtimes (over a minute to build
# the first time) are built in the background then, and `make envs` waits for them.
UP_ENVS := tooling engine python-runtimes $(if $(filter node,$(APPROVER)),node-runtimes functions,node-background)

.PHONY: up
up: ## Start the stack (STACK=auto|embedded|container) and deploy the sample
	@scripts/setup-envs $(UP_ENVS)
	@$(SFNLOCAL) up --stack $(STACK)

.PHONY: down
down: ## Stop the stack and everything it started
	@$(call need_tooling) && $(SFNLOCAL) down

.PHONY: status
status: ## Is the stack running, where, and is it ready?
	@$(call need_tooling) && $(SFNLOCAL) status

.PHONY: env
env: ## Print export lines that point aws, awslocal and boto3 at the stack: eval "$(make -s env)"
	@$(call need_tooling) && $(SFNLOCAL) env

.PHONY: logs
logs: ## Print the engine's log (FOLLOW=1 to keep printing)
	@$(call need_tooling) && $(SFNLOCAL) logs $(if $(FOLLOW),--follow)

.PHONY: deploy
deploy: ## Deploy again to the running stack (after changing lambdas/, statemachine/ or iam/)
	@$(call need_tooling) && $(SFNLOCAL) deploy

.PHONY: run
run: ## Start an execution and follow it live (PRICE=0..99, random when unset)
	@$(call need_tooling) && $(SFNLOCAL) run $(if $(PRICE),--price $(PRICE))

.PHONY: executions
executions: ## List recent executions: status, path, price, duration
	@$(call need_tooling) && $(SFNLOCAL) executions

.PHONY: approvals
approvals: ## List the executions waiting for a manual approval
	@$(call need_tooling) && $(SFNLOCAL) approvals list

.PHONY: console
console: ## Print the web console's URL, starting it if it does not run (CONSOLE_PORT, default 8566)
	@$(call need_tooling) && $(SFNLOCAL) console

.PHONY: results
results: ## Follow the SNS topic and print each report (Ctrl-C stops)
	@$(call need_tooling) && $(SFNLOCAL) results

# --path-coverage=gate: fail when a state or Choice branch of the sample was never exercised
# (tests/support/coverage.py; the report goes to test-results/path-coverage.json).
# TEST_WORKERS: pytest-xdist workers; the tests on the session's stack stay on one of them
# (tests/support/parallel.py), the others run the unit tests and the stacks of their own.
# TEST_WORKERS=0 runs everything in one process.
# -rs: every skipped test is listed with its reason (those that need a Docker engine
# skip where none answers; .ci/run runs them after installing one).
TEST_WORKERS ?= 4
.PHONY: test
test: envs browser ## Run every test: unit, engine, end to end, path-coverage gate (TEST_STACK=auto|running|embedded|container, TEST_WORKERS=4)
	@$(PYTEST) tests --path-coverage=gate -n $(TEST_WORKERS) --dist loadgroup -rs

.PHONY: browser
browser: ## Install Chromium for the console's browser tests when missing (make test runs it; as root or with sudo)
	@scripts/install-browser.sh

.PHONY: test-e2e
test-e2e: envs ## Run the workflow's tests only: end to end, mocked, single-state, path-coverage gate (on TEST_STACK)
	@$(PYTEST) tests/integration/e2e tests/integration/mocked tests/integration/single_state --path-coverage=gate -rs

.PHONY: test-unit
test-unit: envs ## Run the unit tests only (no stack needed; TEST_WORKERS=4)
	@$(PYTEST) tests/unit -n $(TEST_WORKERS)

.PHONY: lint
lint: envs ## Check style with ruff
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

.PHONY: image
image: ## Build the container image (without any registry)
	@scripts/build-image.sh

.PHONY: clean
clean: down-quiet ## Remove the environments and the engine's state
	rm -rf $(VENV) .engine .localstack lambdas/*/node_modules

.PHONY: down-quiet
down-quiet:
	@[ -x $(SFNLOCAL) ] && $(SFNLOCAL) down >/dev/null 2>&1 || true

define need_tooling
{ [ -x $(SFNLOCAL) ] || { echo "error: the tooling is not installed" >&2; echo "fix: run 'make up' (or 'make envs') first" >&2; exit 1; }; }
endef

.PHONY: check
check: envs ## Validate the documents and mock file, check least privilege, warn on best practices (STRICT=1: warnings fail)
	@$(VENV)/bin/sfnlocal check $(if $(STRICT),--strict)
	@scripts/check-workflows

.PHONY: test-trust
test-trust: envs ## Slow trust tests: 200 executions at once, stack restarts (TEST_STACK picks the load test's stack)
	@$(PYTEST) tests/load

.PHONY: bench
bench: envs ## Benchmark the embedded and container stacks against MiniStack, with the targets (ARGS="--runs 30 --big-burst 1000 --engines auto")
	@$(VENV)/bin/python -m bench $(ARGS)
