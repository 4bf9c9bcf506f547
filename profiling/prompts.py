"""Prompts of a controlled length: synthetic text calibrated to the server's tokenizer, or a JSONL file."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from datafiles import InputError, parse_json_text, read_text
from profiling.client import Target
from profiling.metadata import json_call
from profiling.records import MAX_OUTPUT_TOKENS

WORDS = (
    "time",
    "year",
    "people",
    "way",
    "day",
    "man",
    "thing",
    "woman",
    "life",
    "child",
    "world",
    "school",
    "state",
    "family",
    "student",
    "group",
    "country",
    "problem",
    "hand",
    "part",
    "place",
    "case",
    "week",
    "company",
    "system",
    "program",
    "question",
    "work",
    "government",
    "number",
    "night",
    "point",
    "home",
    "water",
    "room",
    "mother",
    "area",
    "money",
    "story",
    "fact",
    "month",
    "lot",
    "right",
    "study",
    "book",
    "eye",
    "job",
    "word",
    "business",
    "issue",
    "side",
    "kind",
    "head",
    "house",
    "service",
    "friend",
    "father",
    "power",
    "hour",
    "game",
    "line",
    "end",
    "member",
    "law",
    "car",
    "city",
    "community",
    "name",
    "president",
    "team",
    "minute",
    "idea",
    "kid",
    "body",
    "information",
    "back",
    "parent",
    "face",
    "others",
    "level",
    "office",
    "door",
    "health",
    "person",
    "art",
    "war",
    "history",
    "party",
    "result",
)


def synthetic_text(n_words: int, rng: random.Random) -> str:
    """`n_words` common English words after a random nonce, so no two prompts share a cached prefix."""
    nonce = f"{rng.getrandbits(64):016x}"
    return nonce + " " + " ".join(rng.choice(WORDS) for _ in range(max(n_words, 1)))


@dataclass(frozen=True)
class Calibration:
    tokens_per_word: float
    overhead_tokens: float
    """Tokens the server adds around the prompt (chat template), from two measured points."""
    method: str

    def words_for(self, input_tokens: int) -> int:
        """Words of synthetic text for `input_tokens`, at most MAX_WORDS_PER_TOKEN × input_tokens + 1,000."""
        words = round((input_tokens - self.overhead_tokens) / self.tokens_per_word)
        return max(1, min(words, MAX_WORDS_PER_TOKEN * input_tokens + 1_000))


HEURISTIC = Calibration(1.3, 0.0, "heuristic 1.3 tokens/word (server reported no token counts)")
TOKENS_PER_WORD_RANGE = (0.25, 10.0)
"""What a tokenizer can count for the common English words of `synthetic_text` (1.0-1.5 in practice); a
server's counts outside this are not believed (a slope near 0 would ask for billions of words)."""
MAX_WORDS_PER_TOKEN = 4
OVERHEAD_TOKENS_RANGE = (-1_000.0, 100_000.0)
"""A chat template adds tens to a few thousand tokens; a fit outside this range is not believed."""


async def _prompt_tokens(client: httpx.AsyncClient, target: Target, text: str, deadline_s: float) -> int | None:
    """Server-side token count of `text`: usage of a 1-token request, else the /tokenize endpoint.

    Each call within `deadline_s`, its body bounded (metadata.json_call)."""
    body = target.payload(text, 1)
    body.update(stream=False)
    body.pop("stream_options", None)
    body.pop("ignore_eos", None)
    body.pop("min_tokens", None)
    data = await json_call(client, "POST", target.url, deadline_s, json=body, headers=target.headers())
    usage = data.get("usage") if isinstance(data, dict) else None
    count = usage.get("prompt_tokens") if isinstance(usage, dict) else None
    if _whole(count):
        return count
    root = target.url.split("/v1/")[0]
    data = await json_call(client, "POST", f"{root}/tokenize", deadline_s, json={"model": target.model, "prompt": text})
    if isinstance(data, dict):
        if _whole(data.get("count")):
            return data["count"]
        if isinstance(data.get("tokens"), list) and data["tokens"]:
            return len(data["tokens"])
    return None


def _whole(count: object) -> bool:
    return isinstance(count, int) and not isinstance(count, bool) and 0 < count < 10**9


CALIBRATION_CALL_S = 120.0
"""Whole-call deadline of a calibration request (a 1-token completion, or /tokenize), at most the client's
--timeout: httpx's own timeouts are per read, and a server trickling bytes would hold the call for ever."""


async def calibrate(
    client: httpx.AsyncClient, target: Target, rng: random.Random, deadline_s: float | None = None
) -> Calibration:
    """Fit tokens = overhead + slope x words from two prompts, as the server counts them; the heuristic when the
    server gives no counts or counts outside TOKENS_PER_WORD_RANGE / OVERHEAD_TOKENS_RANGE."""
    deadline_s = min(deadline_s or client.timeout.read or CALIBRATION_CALL_S, CALIBRATION_CALL_S)
    short_words, long_words = 50, 400
    short = await _prompt_tokens(client, target, synthetic_text(short_words, rng), deadline_s)
    long = await _prompt_tokens(client, target, synthetic_text(long_words, rng), deadline_s)
    if short is None or long is None or long <= short:
        return HEURISTIC
    slope = (long - short) / (long_words - short_words)
    overhead = short - slope * short_words
    low, high = TOKENS_PER_WORD_RANGE
    if not (low <= slope <= high and OVERHEAD_TOKENS_RANGE[0] <= overhead <= OVERHEAD_TOKENS_RANGE[1]):
        return Calibration(
            HEURISTIC.tokens_per_word,
            0.0,
            f"heuristic 1.3 tokens/word (the server's counts, {slope:.3g} tokens/word and {overhead:.3g} "
            "tokens of template, are implausible)",
        )
    return Calibration(slope, overhead, "server token counts (usage or /tokenize)")


@dataclass(frozen=True)
class FilePrompt:
    prompt: str | list[dict[str, Any]]
    output_tokens: int | None


def _valid_messages(messages: object) -> bool:
    """A non-empty list of {role: text, content: text or a list of parts}."""
    return (
        isinstance(messages, list)
        and bool(messages)
        and all(
            isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str | list)
            for m in messages
        )
    )


def load_prompt_file(path: Path | str) -> list[FilePrompt]:
    """JSONL: one object a line with `prompt` (non-empty text) or `messages` (chat: a non-empty list of
    {role, content}), optional `output_tokens` (a whole number from 1 to MAX_OUTPUT_TOKENS).
    Any other line is InputError naming the file, the line and the field."""
    prompts = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = parse_json_text(line, str(path))
        except InputError as err:
            raise InputError(str(path), f"line {number}", err.expected) from None
        prompt = row.get("prompt") if isinstance(row, dict) else None
        messages = row.get("messages") if isinstance(row, dict) else None
        if isinstance(prompt, str) and prompt.strip():
            chosen: str | list[dict[str, Any]] = prompt
        elif not prompt and _valid_messages(messages):
            chosen = messages  # type: ignore[assignment]
        else:
            raise InputError(
                str(path),
                f"line {number}",
                'expected {"prompt": "non-empty text"} or {"messages": [{"role": ..., "content": ...}, ...]}',
            )
        output = row.get("output_tokens")
        if output is not None and not (
            isinstance(output, int) and not isinstance(output, bool) and 1 <= output <= MAX_OUTPUT_TOKENS
        ):
            raise InputError(
                str(path), f"line {number}.output_tokens", f"expected a whole number from 1 to {MAX_OUTPUT_TOKENS:,}"
            )
        prompts.append(FilePrompt(chosen, output))
    if not prompts:
        raise InputError(str(path), "", "no prompts in file; expected one JSON object per line")
    return prompts
