"""Presenting results: figures, the text reports of runs and studies, and the HTML report."""
