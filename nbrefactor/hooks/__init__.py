"""Entry points for pre-commit hooks: each is ``main(argv) -> int``."""
