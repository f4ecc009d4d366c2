"""`python -m allocator.cli`: the `allocator` command."""

from .main import main

main()
