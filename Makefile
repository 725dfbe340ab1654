# Two commands: `make run` (install, ingest the sample papers, start the chat) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
  -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF

.PHONY: install browser ocr run test eval

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch's CPU build first, so nothing pulls the multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	# llama.cpp (tests/test_llm.py) built for any x86-64 with AVX2, not tuned to the machine
	# it compiles on: a build using AVX-512 and AMX crashed (a protection fault) on a machine
	# whose CPU offered them. No cache: pip would reuse a wheel built with other flags.
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(PY) -m pip install --quiet --no-cache-dir \
	  'llama-cpp-python[server]==0.3.36'
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser test: Playwright's own browser download cannot be fetched.
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's Tesseract and Poppler read scanned PDFs (OCR); without them a scanned paper is
# refused with a message saying it needs OCR. DejaVu is the font the tests write PDFs in.
ocr:
	@{ command -v tesseract && command -v pdftoppm && \
	   test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    tesseract-ocr poppler-utils fonts-dejavu-core; }

run: install ocr
	$(PY) app.py

test: install browser ocr
	$(PY) -m pytest

# The gated evaluations: the sample papers, then both halves of the councils set (tuned on,
# and held out), each against its own table of evals/thresholds.toml.
eval: install
	$(PY) -m committee_qa eval --baselines --report evals/reports/latest.md
	$(PY) -m committee_qa eval --set evals/councils/tuning --baselines \
	  --report evals/reports/councils-tuning.md
	$(PY) -m committee_qa eval --set evals/councils/held-out --baselines \
	  --report evals/reports/councils-held-out.md
