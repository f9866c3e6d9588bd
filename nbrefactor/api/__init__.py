"""The jobs: each reads its inputs, runs the pure stages and returns a result value.

Front ends (the command line, the pre-commit hook, the Jupyter server) call one job,
render its result and map its errors to exit codes; nothing else orchestrates. The
modules are imported on first use, so a job does not load what only another needs.
"""
