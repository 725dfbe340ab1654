"""The eval command: gold sets measured, gated, reported, and abstention refitted."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Settings
from . import main
from .options import chroma_option, llm_options, model_option


@main.command("eval")
@click.option("--set", "gold_sets", multiple=True, type=click.Path(
              exists=True, file_okay=False, path_type=Path), help="A gold set's folder: "
              "questions.jsonl, papers/ and metadata.jsonl; gated by the table named after it "
              "(evals/councils/held-out: [councils-held-out]). Repeatable.")
@click.option("--questions", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Gold questions, one JSON object per line (see "
              "evals/README.md) [default: evals/questions.jsonl]. Repeatable.")
@click.option("--corpus", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Papers the questions are about [default: the inbox, ingest/]. Repeatable.")
@click.option("--metadata", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Each paper's council, committee, meeting date and type, to measure.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Markdown report here, and JSON beside it (.json).")
@click.option("--baselines", is_flag=True,
              help="Also measure keyword-only, dense-only and the textbook LangChain pipeline.")
@click.option("--thresholds", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("evals/thresholds.toml"), show_default=True,
              help="Minimum figures; eval exits 1 when one is missed (skipped if absent).")
@click.option("--gates", help="The table of --thresholds to check [default: samples, or the "
              "set's name].")
@click.option("--fit-abstention", type=click.Path(dir_okay=False, path_type=Path),
              help="Fit when to decline on these questions and write the model here; use it "
              "with COMMITTEE_QA_ABSTENTION.")
@click.option("--index", type=click.Path(file_okay=False, path_type=Path),
              help="Index to use (ingesting the corpus into it) [default: a temporary one].")
@chroma_option
@model_option
@llm_options
def eval_command(gold_sets: tuple[Path, ...], questions: tuple[Path, ...],
                 corpus: tuple[Path, ...], metadata: Path | None, report: Path | None,
                 baselines: bool, thresholds: Path, gates: str | None,
                 fit_abstention: Path | None, index: Path | None, chroma_url: str | None,
                 model: str | None, llm_url: str | None, llm_model: str | None) -> None:
    """Measure retrieval, answers, citations, abstention and metadata on gold sets, each
    on its own papers in an index of its own."""
    from ..evaluation.runner import GoldSource, run_sets

    sources = [GoldSource.folder(s, gates) for s in gold_sets]
    if questions or not sources:
        sources.append(GoldSource("samples", questions or (Path("evals/questions.jsonl"),),
                                  corpus, metadata, gates or "samples"))
    settings = Settings.load(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
                             llm_model=llm_model)
    rows, failed_gates = run_sets(settings, sources, baselines, thresholds, report,
                                  "committee-qa eval " + " ".join(sys.argv[2:]),
                                  index is None, lambda line, error: click.echo(line, err=error))
    if fit_abstention is not None:
        from ..abstention import fit

        fit(rows, fitted_on=", ".join(s.name for s in sources)).save(fit_abstention)
        click.echo(f"abstention model: {fit_abstention}")
    sys.exit(1 if failed_gates else 0)
