"""Reports for people and tools: the cell graph (and later, findings) in several formats."""
