"""`python -m committee_qa` runs the committee-qa command."""

from .cli import main

main()
