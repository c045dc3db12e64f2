"""Entry point for ``python -m <%- packageName %>``."""

import sys

from <%- packageName %>.plumbing.cli import main

sys.exit(main())
