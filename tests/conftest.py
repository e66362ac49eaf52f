"""Test configuration.

Hypothesis profiles: ``dev`` (default) draws fresh examples on every run, to
keep exploring; ``ci`` (``HYPOTHESIS_PROFILE=ci``, set by scripts/test.sh) is
derandomized, so CI checks the same examples on every clean clone and a red
run is always reproducible with the same command.
"""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
