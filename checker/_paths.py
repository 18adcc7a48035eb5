"""Where the package's data files are (``checker/data``): os.path, not pathlib, which the CLI
does not otherwise import (its run is mostly start-up)."""
from __future__ import annotations

import os

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
