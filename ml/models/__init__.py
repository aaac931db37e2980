"""The six models of DESIGN.md, scikit-learn style, built by name from `registry`."""
