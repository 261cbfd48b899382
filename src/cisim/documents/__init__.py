"""Generated documents: the ODD's tables, the API reference and the validation document."""
