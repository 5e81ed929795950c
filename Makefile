# The README's two set-up commands are `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
RECALL := $(VENV)/bin/recall
# llama-cpp-python builds from source: keep the build portable (pip caches the wheel).
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export HF_HUB_OFFLINE := 1
DEMO_HOME ?= .recall-demo

.PHONY: install demo test lint man schema clean ci-deps

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU build of torch must come first: a plain `torch` pulls several GB of CUDA.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	rm -rf $(DEMO_HOME)
	RECALL_HOME=$(DEMO_HOME) $(RECALL) import examples/sample-week.jsonl
	RECALL_HOME=$(DEMO_HOME) $(RECALL) add "The car insurance renews on 12 April; policy 77-3041 with Fidelidade" --tag car
	RECALL_HOME=$(DEMO_HOME) $(RECALL) search "where is Sam's key"
	RECALL_HOME=$(DEMO_HOME) $(RECALL) search "what did I note about the dentist in March 2026"
	RECALL_HOME=$(DEMO_HOME) $(RECALL) ask "when is the dentist appointment?"
	RECALL_HOME=$(DEMO_HOME) $(RECALL) ask "where is Sam's spare key?"

test: install
	$(VENV)/bin/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi; exit $$status

# The shell hook tests run real bash, zsh and fish (they skip a shell that is missing).
ci-deps:
	@command -v zsh >/dev/null && command -v fish >/dev/null && command -v Xvfb >/dev/null && command -v tmux >/dev/null && \
		command -v xdotool >/dev/null && command -v xprop >/dev/null && command -v tesseract >/dev/null || \
		{ if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bash zsh fish \
				xvfb x11-utils xdotool tesseract-ocr imagemagick tmux >/dev/null; \
		else echo "ci-deps: install zsh, fish, tmux, xvfb, x11-utils, xdotool, tesseract-ocr to run every test" >&2; fi; }

lint: install
	$(VENV)/bin/ruff check recall_cli tests
	$(VENV)/bin/mypy

man: install
	$(PY) -m recall_cli.cli.manpage man

schema: install
	$(PY) -m recall_cli.store.dump schema/recall.sql

clean:
	rm -rf $(VENV) $(DEMO_HOME)
