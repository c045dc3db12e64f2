"""<%- distName %>: reproducible ML experiments built from small, swappable blocks.

The layout follows one rule: a module you edit to change an experiment sits at the top of the
package, and everything that runs, records, loads or serves experiments sits in ``plumbing/``.

At the top, the experiment's seams:

- ``datasets/``, ``splits/``, ``models/``, ``evaluators/`` and ``trackers/``: the building
  blocks, each chosen by name in a config of ``configs/``; a new module in one of these
  folders is discovered without editing any other file;
- ``experiment.py``: the runner, the flow every run follows (config -> dataset -> split ->
  fit -> evaluate -> track);
- ``errors.py``: the errors the blocks raise;
- ``__main__.py``: what ``python -m <%- packageName %>`` runs; it hands over
  to ``plumbing.cli``.

In ``plumbing/``: the command line (``cli``), config loading (``config``), the block registries
(``registry``), sweeps, ``reproduce`` and ``compare``, model packaging and prediction, the
evaluation flow (scores, slices, intervals), figures and HTML reports, what each run records
(``reproducibility``, ``data_versions``) and the helpers these share. A block reaches into
``plumbing`` to register itself (``plumbing.registry``), to resolve a path from a config
(``plumbing.paths``) and, for a tracker, to package the model it stores or serve its UI.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("<%- distName %>")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
