# Two commands set everything up: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test fonts sample serve bench bench-scale clean opensearch opensearch-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@ $(VENV)/.installed

# A DATABASE_URL naming PostgreSQL brings its driver (pyproject's `postgres` extra) to `make run` and `make serve`.
$(VENV)/.installed-postgres: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[postgres]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(if $(filter postgres postgresql pgsql,$(firstword $(subst :, ,$(DATABASE_URL)))),$(VENV)/.installed-postgres)
install-test: $(VENV)/.installed-test

# Migrate and load the bundled sample documents (safe to repeat); the import ends by bringing the search index
# up to date, building it when it is missing. sync_regulations groups versions stored before an upgrade;
# load_vocabulary adds the corpus's definitions and the colloquial forms as equivalent terms (only adds).
# PDF downloads embed a CJK font from Debian's packages (apt-get; without it they answer 暂不可用).
fonts:
	.ci/system-packages.sh fonts-wqy-zenhei || echo "warning: fonts-wqy-zenhei not installed: PDF downloads are unavailable"

sample: install fonts
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py import_documents documents/sample_data/ --status published
	DEBUG=1 $(BIN)/python manage.py sync_regulations
	DEBUG=1 $(BIN)/python manage.py load_vocabulary

run: sample
	@echo ""
	@echo "  网站地址: http://$(HOST):$(PORT)/"
	@echo "  管理后台: http://$(HOST):$(PORT)/admin/"
	@echo "  创建管理员账号: DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving: DEBUG off, settings from the environment (SECRET_KEY and ALLOWED_HOSTS at least; see README),
# hashed and compressed static files through WhiteNoise, gunicorn workers forked from a warmed master (see
# congress_site/gunicorn.conf.py) with the search applier beside them, logs to stdout.
WORKERS ?= 4
serve: install fonts
	STATIC_MANIFEST=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	STATIC_MANIFEST=1 $(BIN)/python manage.py migrate --noinput
	STATIC_MANIFEST=1 WORKERS=$(WORKERS) $(BIN)/gunicorn --config congress_site/gunicorn.conf.py \
		congress_site.wsgi:application --bind $(HOST):$(PORT)

# The browser tests drive Debian's Chromium, the PostgreSQL restart test starts a PostgreSQL server of its own
# (.ci/postgres-throwaway.sh): both installed here with apt-get when missing.
test: install-test
	.ci/system-packages.sh chromium fonts-wqy-zenhei postgresql
	$(BIN)/python -m pytest

# Benchmarks print their figures; CORPUS is the test corpus folder (not part of the project).
CORPUS ?= ../shared/corpus
bench: sample
	$(BIN)/python bench/import_bench.py $(CORPUS)
	$(BIN)/python bench/search.py $(CORPUS)
	$(BIN)/python bench/pages.py $(CORPUS)
	$(BIN)/python bench/compare.py $(CORPUS)
	$(BIN)/python bench/load.py $(CORPUS)

# The scale benchmark: 1 x, 3 x and 10 x the corpus, each in its own temporary folder (the 10 x size needs about
# 25 GB of free disk and takes over an hour and a half on two cores). SIZES=0.05,0.1 checks it in minutes.
SIZES ?= 1,3,10
bench-scale: install
	$(BIN)/python bench/scale.py $(CORPUS) --sizes $(SIZES)

# A local two-node OpenSearch cluster (one JVM per node, 512 MB heap each, loopback ports 9200-9201 and 9300-9301),
# assembled from Maven Central by search-cluster/pom.xml; its data and logs live under var/opensearch/. The site uses
# it when SEARCH_URL is set (see docs/search-cluster.md).
opensearch:
	@search-cluster/cluster.sh start

opensearch-stop:
	search-cluster/cluster.sh stop

clean:
	rm -rf $(VENV) var
