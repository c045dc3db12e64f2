"""What runs, records, loads and serves experiments; the experiment's seams are one level up.

Nothing here needs editing to change an experiment: that is a block (``datasets/``,
``splits/``, ``models/``, ``evaluators/``, ``trackers/``) or the runner (``experiment.py``)
at the top of the package. See the package's docstring for the rule that puts a module here.
"""
