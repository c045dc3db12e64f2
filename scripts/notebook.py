"""Write the example notebook template with nbformat, in the form nbformat and nbstripout keep.

The template is ``templates/app/base/files/notebooks/01-example-experiment.ipynb``; EJS fills in
the package name when a project is generated. nbformat writes the notebook (sorted keys, one-space
indent, split source lines, the current ``nbformat_minor``), and the cell ids are the ones
nbstripout assigns (``"0"``, ``"1"``, ...), so neither tool rewrites a fresh project's notebook.

    python scripts/notebook.py          # rewrite the template
    python scripts/notebook.py --check  # exit 1 if the template is not what this script writes
"""

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat import v4

TEMPLATE = (
    Path(__file__).resolve().parent.parent
    / "templates/app/base/files/notebooks/01-example-experiment.ipynb"
)
PACKAGE = "<%- packageName %>"

CELLS = [
    v4.new_markdown_cell(
        "# Example experiment\n"
        "\n"
        "Runs `configs/experiment.yaml` as `python -m " + PACKAGE + " run` does: from the project\n"
        "root, with the tracker and experiment the config names, so this run is listed beside the\n"
        "command line's. Then it looks at the per-sample predictions for error analysis. Outputs\n"
        "are stripped on commit."
    ),
    v4.new_code_cell(
        "import os\n"
        "from io import BytesIO\n"
        "\n"
        "import pandas as pd\n"
        "\n"
        f"from {PACKAGE}.experiment import run_experiment\n"
        f"from {PACKAGE}.plumbing.config import load_config\n"
        f"from {PACKAGE}.plumbing.env_file import load_env_file\n"
        f"from {PACKAGE}.plumbing.paths import project_root\n"
        f"from {PACKAGE}.plumbing.registry import TRACKERS\n"
        "\n"
        "load_env_file()  # the project's .env, as the CLI loads it; set variables win\n"
        "# Jupyter starts in notebooks/: relative paths (data, a sqlite:/// store) mean what they\n"
        "# mean for the command line, which runs from the project root\n"
        "os.chdir(project_root())\n"
        'config = load_config("configs/experiment.yaml")\n'
        "tracker = TRACKERS.build(config.tracker.name, config.tracker.params)\n"
        "result = run_experiment(config, tracker=tracker)\n"
        'print(f"run {result.run_id}  experiment {config.experiment}  tracker {config.tracker.name}")\n'
        '{name: round(value, 4) for name, value in result.metrics.items() if name.startswith("test/")}'
    ),
    v4.new_code_cell(
        'predictions = pd.read_csv(BytesIO(tracker.read_artifact(result.run_id, "predictions.csv")))\n'
        'predictions[predictions["correct"] == 0].head()'
    ),
]


def notebook_text() -> str:
    """The template's text, as ``nbformat.write`` produces it."""
    notebook = v4.new_notebook(
        cells=CELLS,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    for index, cell in enumerate(notebook.cells):
        cell.id = str(index)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    text = notebook_text()
    if parser.parse_args().check:
        if TEMPLATE.read_text(encoding="utf-8") != text:
            print(f"{TEMPLATE} is stale: run python scripts/notebook.py", file=sys.stderr)
            return 1
        return 0
    TEMPLATE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
