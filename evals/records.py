"""One normalised eval result: a model's success on a task, whichever tool produced it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from evals.stats import wilson_interval


@dataclass(frozen=True)
class EvalSummary:
    """`n` tasks scored, `successes` of them passed; tokens per task where the file records them."""

    model: str
    task: str
    n: int | None
    successes: float | None
    success_rate: float
    ci_low: float | None
    ci_high: float | None
    output_tokens_per_task: float | None
    input_tokens_per_task: float | None
    source_file: str
    tool: str

    def as_json(self) -> dict:
        return asdict(self)


def summary(
    model: str,
    task: str,
    *,
    rate: float,
    n: int | None,
    source_file: str,
    tool: str,
    output_tokens: float | None = None,
    input_tokens: float | None = None,
) -> EvalSummary:
    """A summary with `successes = rate · n` and its Wilson interval when `n` is known.

    >>> s = summary("m", "t", rate=0.8, n=10, source_file="f", tool="x")
    >>> s.successes, round(s.ci_low, 4)
    (8.0, 0.4902)
    """
    ci = wilson_interval(rate * n, n) if n else None
    return EvalSummary(
        model=model,
        task=task,
        n=n,
        successes=rate * n if n else None,
        success_rate=rate,
        ci_low=ci[0] if ci else None,
        ci_high=ci[1] if ci else None,
        output_tokens_per_task=output_tokens,
        input_tokens_per_task=input_tokens,
        source_file=source_file,
        tool=tool,
    )
