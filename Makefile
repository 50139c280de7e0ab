# Two commands: `make demo` sets everything up and runs the main job on the
# bundled sample; `make test` sets up and runs the test suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOME_DIR ?= data

.PHONY: setup demo test bench clean browser virtuoso

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the CPU build of torch for the optional sentence-transformers backend
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test,st]'
	touch $@

# The browser libraries igfkg serves itself (the network view) and axe-core for the
# accessibility tests, from the npm registry (package-lock.json); without npm the pages
# keep their lists and the tests that need them are skipped.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm) || true
	@command -v npm >/dev/null && npm ci --no-audit --no-fund --loglevel=error || \
		echo "npm is not available: the network drawing and the accessibility tests will be missing"

setup: $(BIN)/.installed node_modules/.package-lock.json

demo: setup
	$(BIN)/igfkg --home $(HOME_DIR) ingest samples/
	$(BIN)/igfkg --home $(HOME_DIR) sparql examples/who-moderated.rq
	$(BIN)/igfkg --home $(HOME_DIR) ask "Which panellist came from Brazil's foreign ministry?"

# Debian's Chromium and its driver for the browser tests (needs root, as on CI;
# without them the browser tests are skipped).
browser:
	@command -v chromedriver >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) || \
		echo "could not install chromium: the browser tests will be skipped"
	@# jq for the README's curl examples, which the README check runs
	@command -v jq >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq) || \
		echo "could not install jq: the README check will fail on its curl examples"

# Debian's Virtuoso for tests/test_remote_store.py (needs root, as on CI; without it
# the Virtuoso runs are skipped, saying so).
virtuoso:
	@command -v virtuoso-t >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource) || \
		echo "could not install virtuoso-opensource: the Virtuoso tests will be skipped"

test: setup browser virtuoso
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_extraction.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_ask.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_formats.py
	$(BIN)/python bench/bench_documents.py --set dev

clean:
	rm -rf $(VENV) $(HOME_DIR) test-output
