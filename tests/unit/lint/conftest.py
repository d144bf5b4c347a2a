"""Fixtures of the lint tests: a clean project written to tmp_path, and the lint of a project."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # lint_support, beside this file
