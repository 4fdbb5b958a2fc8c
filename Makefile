# phiguard: `make install` then `make test`. Safe to re-run; a second install is quick.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Handwriting, screen and paper fonts for the synthetic benchmark corpus (bench/synth).
FONTS  := fonts-comic-neue fonts-dkg-handwriting fonts-humor-sans fonts-femkeklaver \
          fonts-breip fonts-dancingscript fonts-liberation2 fonts-freefont-ttf

.PHONY: install system-deps test lint bench bench-speed samples clean

install: system-deps $(STAMP)

# Tesseract comes from Debian, and so does the chromium the review page's browser test
# drives (Playwright never downloads a browser of its own here). As root we install
# them; otherwise we say what to run.
system-deps:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr tesseract-ocr-eng"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	for p in $(FONTS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "phiguard needs Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing   then: make install"; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@# presidio-image-redactor wants opencv-python, rapidocr opencv-python-headless; both
	@# write the same cv2 package. Reinstalling opencv-python last makes the result fixed.
	$(BIN)/python -m pip install -q --force-reinstall --no-deps \
	  "opencv-python==$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("opencv-python"))')"
	$(BIN)/python -c "import cv2, rapidocr, tesserocr"
	touch $(STAMP)

# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
test: install
	@$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

samples: install
	$(BIN)/python -m bench.make_samples

# Photos (phiguard vs stock Presidio image redaction) and captions (vs stock Presidio
# AnalyzerEngine), in one run; tables in bench/out/ and BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.captions

# Photos per second against stock Presidio, -j2 vs -j1, start-up, memory, scaling.
bench-speed: install
	$(BIN)/python -m bench.speed

clean:
	rm -rf $(VENV) build dist bench/out
