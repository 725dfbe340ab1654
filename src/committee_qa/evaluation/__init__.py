"""The evaluation harness: gold sets, metrics, baselines and reports."""
