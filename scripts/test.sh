#!/usr/bin/env bash
# The README's test command: lint, type-check, then the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m ruff check tracker tests scripts
python -m mypy
lint-imports
python -m pytest "$@"
