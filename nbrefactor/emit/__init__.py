"""Emit: render the plan into file contents, and write them safely."""
