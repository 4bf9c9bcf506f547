"""Prompts of a controlled length: synthetic text calibrated to the server's tokenizer, or a JSONL file."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from datafiles import InputError, parse_json_text, read_text
from profiling.client import Target

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
        return max(1, round((input_tokens - self.overhead_tokens) / self.tokens_per_word))


async def _prompt_tokens(client: httpx.AsyncClient, target: Target, text: str) -> int | None:
    """Server-side token count of `text`: usage of a 1-token request, else the /tokenize endpoint."""
    body = target.payload(text, 1)
    body.update(stream=False)
    body.pop("stream_options", None)
    body.pop("ignore_eos", None)
    body.pop("min_tokens", None)
    try:
        async with asyncio.timeout(min(client.timeout.read or CALIBRATION_CALL_S, CALIBRATION_CALL_S)):
            response = await client.post(target.url, json=body, headers=target.headers())
            data = response.json() if response.status_code == 200 else None
            usage = data.get("usage") if isinstance(data, dict) else None
            count = usage.get("prompt_tokens") if isinstance(usage, dict) else None
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                return count
            root = target.url.split("/v1/")[0]
            response = await client.post(f"{root}/tokenize", json={"model": target.model, "prompt": text})
            data = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, TimeoutError, ValueError, RecursionError):
        return None
    if isinstance(data, dict):
        if isinstance(data.get("count"), int) and not isinstance(data["count"], bool) and data["count"] > 0:
            return data["count"]
        if isinstance(data.get("tokens"), list) and data["tokens"]:
            return len(data["tokens"])
    return None


CALIBRATION_CALL_S = 120.0
"""Whole-call deadline of a calibration request (a 1-token completion, or /tokenize), at most the client's
--timeout: httpx's own timeouts are per read, and a server trickling bytes would hold the call for ever."""


async def calibrate(client: httpx.AsyncClient, target: Target, rng: random.Random) -> Calibration:
    """Fit tokens = overhead + slope x words from two prompts, as the server counts them."""
    short_words, long_words = 50, 400
    short = await _prompt_tokens(client, target, synthetic_text(short_words, rng))
    long = await _prompt_tokens(client, target, synthetic_text(long_words, rng))
    if short is None or long is None or long <= short:
        return Calibration(1.3, 0.0, "heuristic 1.3 tokens/word (server reported no token counts)")
    slope = (long - short) / (long_words - short_words)
    return Calibration(slope, short - slope * short_words, "server token counts (usage or /tokenize)")


@dataclass(frozen=True)
class FilePrompt:
    prompt: str | list[dict[str, Any]]
    output_tokens: int | None


def load_prompt_file(path: Path | str) -> list[FilePrompt]:
    """JSONL: one object a line with `prompt` (text) or `messages` (chat), optional `output_tokens`."""
    prompts = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = parse_json_text(line, str(path))
        except InputError as err:
            raise InputError(str(path), f"line {number}", err.expected) from None
        if not isinstance(row, dict) or not (
            isinstance(row.get("prompt"), str) or isinstance(row.get("messages"), list)
        ):
            raise InputError(str(path), f"line {number}", 'expected {"prompt": "..."} or {"messages": [...]}')
        output = row.get("output_tokens")
        if output is not None and (not isinstance(output, int) or output < 1):
            raise InputError(str(path), f"line {number}.output_tokens", "expected a positive integer")
        prompts.append(FilePrompt(row.get("prompt") or row["messages"], output))
    if not prompts:
        raise InputError(str(path), "", "no prompts in file")
    return prompts
