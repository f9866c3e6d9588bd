"""``python -m nbrefactor``: the same as the ``nbrefactor`` command."""

from nbrefactor.cli import main

if __name__ == "__main__":
    main(prog_name="nbrefactor")
