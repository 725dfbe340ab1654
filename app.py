"""Start the committee-qa chat app over the papers in ingest/ (ingesting them first)."""

from committee_qa.cli import main

if __name__ == "__main__":
    main(["serve", "--ingest"])
