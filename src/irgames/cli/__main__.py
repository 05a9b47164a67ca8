"""``python -m irgames.cli``: the ``irgames`` command."""

import sys

from . import main

sys.exit(main())
