"""Example classification data: scikit-learn's bundled breast cancer set, kept as a CSV."""

from <%- packageName %>.datasets.files import CsvFileDataset
from <%- packageName %>.registry import DATASETS


@DATASETS.register("breast_cancer")
class BreastCancer(CsvFileDataset):
    """Binary diagnosis (1 = benign) from 30 cell measurements; 569 samples.

    The bundled data is written once to ``path``; from then on the file is the data.
    """

    name = "breast_cancer"
    version = "1"

    def materialize(self) -> None:
        """Write scikit-learn's bundled copy to ``path`` (no network needed)."""
        self.write_example_data()
