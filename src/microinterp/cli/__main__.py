"""``python -m microinterp.cli``: the same as the ``microinterp`` console script."""

import sys

from .main import main

sys.exit(main())
