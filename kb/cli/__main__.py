"""`python -m kb.cli` is `kb`."""

from kb.cli import main

main(prog_name="kb")
