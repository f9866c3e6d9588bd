"""Static analysis of notebooks: per-cell facts, the cell graph, duplicated code."""
