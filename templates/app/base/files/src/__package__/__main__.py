"""Entry point for ``python -m <%- packageName %>``."""

import sys

from <%- packageName %>.cli import main

sys.exit(main())
