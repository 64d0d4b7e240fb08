#!/usr/bin/env bash
# Installs crm-desktop with its test tools into .venv and runs every quality gate and test.
# Set CRM_TEST_PG_URL=postgresql+psycopg://user:pass@host/db to run the database tests on
# PostgreSQL as well as SQLite (.ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,outlook]'
export QT_QPA_PLATFORM=offscreen
echo "== ruff check";  .venv/bin/ruff check .
echo "== ruff format"; .venv/bin/ruff format --check .
echo "== mypy";        .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
if [ -n "${CRM_TEST_PG_URL:-}" ]; then
  echo "== alembic check (PostgreSQL)"; CRM_DATABASE_URL="$CRM_TEST_PG_URL" .venv/bin/python -c \
    "from crm_desktop.models.database import open_database; open_database()" \
    && CRM_DATABASE_URL="$CRM_TEST_PG_URL" .venv/bin/alembic check
fi
tmpdb=$(mktemp -d)/alembic-check.sqlite3
echo "== alembic check (SQLite)"; CRM_DATABASE_URL="sqlite:///$tmpdb" .venv/bin/python -c \
  "from crm_desktop.models.database import open_database; open_database()" \
  && CRM_DATABASE_URL="sqlite:///$tmpdb" .venv/bin/alembic check
echo "== pytest"; .venv/bin/python -m pytest -q -n auto "$@"
