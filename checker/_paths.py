"""Where the package's data files are (``checker/data``), found in one place."""
from __future__ import annotations

import os

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
