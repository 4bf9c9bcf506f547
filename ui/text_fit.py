"""A text in the grid's font: its width, and how to shorten or wrap it to fit a column (`ui.table_fit` lays the
columns out).

Widths are Source Sans at 14 px, the grid's font, as Chromium's canvas measures them (CHAR_PX; a character outside
the table counts as a wide one, UNKNOWN_CHAR_PX). A text too wide is shortened with "…": an id in the middle (both
ends tell ids apart), a sentence at a clause break or a word; several texts that would read alike once shortened
are cut elsewhere until they differ (`distinct`). A wrapped text breaks at spaces, line by line, as the grid does
(`line_count`).
"""

from __future__ import annotations

import math
import re

UNKNOWN_CHAR_PX = 14.0
ELLIPSIS = "…"
_WIDTHS = (
    " 2.8 ! 4.05 \" 5.96 # 6.96 $ 6.96 % 11.54 & 8.53 ' 3.49 ( 4.24 ) 4.24 * 5.85 + 6.96 , 3.49 - 4.35 . 3.49 / 4.9 "
    "0 6.96 1 6.96 2 6.96 3 6.96 4 6.96 5 6.96 6 6.96 7 6.96 8 6.96 9 6.96 : 3.49 ; 3.49 < 6.96 = 6.96 > 6.96 ? 5.95 "
    "@ 11.86 A 7.6 B 8.23 C 7.99 D 8.61 E 7.38 F 6.92 G 8.64 H 9.13 I 3.68 J 6.71 K 8.11 L 6.8 M 10.18 N 9.06 O 9.3 "
    "P 7.92 Q 9.3 R 7.97 S 7.48 T 7.5 U 9.03 V 7.21 W 11.0 X 7.18 Y 6.66 Z 7.55 [ 4.24 \\ 4.9 ] 4.24 ^ 6.96 _ 7.0 "
    "` 7.59 a 7.06 b 7.74 c 6.38 d 7.77 e 6.94 f 4.09 g 7.06 h 7.62 i 3.44 j 3.46 k 6.93 l 3.57 m 11.61 n 7.66 "
    "o 7.59 p 7.77 q 7.77 r 4.86 s 5.87 t 4.73 u 7.62 v 6.54 w 10.07 x 6.24 y 6.54 z 5.95 { 4.24 | 3.37 } 4.24 "
    "~ 6.96 – 6.72 — 11.2 … 13.27 ± 6.96 × 6.96 ≥ 6.96 ≤ 6.96 − 6.96 € 6.96 £ 6.96 · 3.49 ’ 3.49 “ 5.96 ” 5.96"
)
_TOKENS = _WIDTHS.split()  # the space's width first, then character, width, character, width…
CHAR_PX: dict[str, float] = {" ": float(_TOKENS[0])} | {
    char: float(px) for char, px in zip(_TOKENS[1::2], _TOKENS[2::2], strict=True)
}
"""Each character's width in px, Source Sans 14 px, measured with Chromium's canvas `measureText`."""
WIDEST_CHAR_PX = max(CHAR_PX.values())
"""The most a line broken between characters (a word longer than a line) may fall short of its cell."""


def text_px(text: str) -> float:
    """The width of `text` in the grid's font.

    >>> round(text_px("glm5-h200"), 1), text_px("")
    (62.0, 0.0)
    """
    return float(sum(CHAR_PX.get(char, UNKNOWN_CHAR_PX) for char in text))


def _fitting(text: str, px: float) -> int:
    """How many of `text`'s first characters fit in `px`."""
    used = 0.0
    for count, char in enumerate(text):
        used += CHAR_PX.get(char, UNKNOWN_CHAR_PX)
        if used > px:
            return count
    return len(text)


def clipped(text: str, px: float, middle: bool = False, front_share: float = 0.5) -> str:
    """`text` cut to at most `px` wide with "…": at the end, at its first clause break (" (", "; ", ", ") where that
    keeps half the room, else at a word; or in the middle (`middle`: an id, whose two ends tell it apart), with
    `front_share` of the characters kept from the front (`distinct` moves it to tell apart ids that clip alike).

    >>> clipped("AWS EC2 Capacity Blocks pricing page", 120), clipped("llama-3.3-70b-instruct-h100-1yr", 120, True)
    ('AWS EC2 Capacity…', 'llama-3.3…h100-1yr')
    >>> clipped("deploybase.ai RunPod table (2026-05)", 200)
    'deploybase.ai RunPod table…'
    """
    if text_px(text) <= px:
        return text
    room = px - CHAR_PX[ELLIPSIS]
    if middle:  # characters from the front and the back in `front_share`, while they fit (one pass: long ids are cheap)
        used, front, back = 0.0, 0, 0
        while front + back < len(text):
            from_front = front * (1 - front_share) <= back * front_share and front_share > 0
            char = text[front] if from_front else text[len(text) - 1 - back]
            width = CHAR_PX.get(char, UNKNOWN_CHAR_PX)
            if used + width > room:
                break
            used += width
            front, back = (front + 1, back) if from_front else (front, back + 1)
        return f"{text[:front]}{ELLIPSIS}{text[len(text) - back :] if back else ''}"
    for mark in (" (", "; ", ", "):
        head = text.split(mark, 1)[0]
        if head != text and head.count("(") == head.count(")") and px / 2 <= text_px(head) + CHAR_PX[ELLIPSIS] <= px:
            return head + ELLIPSIS
    cut = text[: _fitting(text, room)]
    word = cut.rsplit(" ", 1)[0]
    return (word if " " in cut and len(word) >= len(cut) * 0.6 else cut).rstrip(",;:( ") + ELLIPSIS


def line_count(text: str, px: float) -> int:
    """How many lines `text` takes wrapped at spaces in lines `px` wide, as the grid wraps it (greedy: each word
    goes on the current line if it fits, else starts the next one; a word wider than a line is broken inside).

    >>> line_count("GLM-5 model card benchmark table", 100), line_count("", 100)
    (3, 1)

    ("GLM-5 model" 77.2 px, "card benchmark" 95.7 px, "table" 30.0 px: three lines of at most 100 px.)
    """
    lines, used = 1, None
    for word in text.split():
        width = text_px(word)
        if used is not None and used + CHAR_PX[" "] + width <= px:
            used += CHAR_PX[" "] + width
            continue
        if used is not None:
            lines += 1
        lines += max(0, math.ceil(width / px) - 1) if px > 0 else 0
        used = width - (math.ceil(width / px) - 1) * px if width > px and px > 0 else width
    return lines


def wrap_px(text: str, lines: int) -> float:
    """The narrowest line width in which `text` wraps on at most `lines` lines, every word whole.

    >>> round(wrap_px("GLM-5 model card benchmark table", 3), 1)  # "card benchmark" is the widest line
    95.7
    """
    words = text.split()
    low = max(map(text_px, words), default=0.0)
    high = max(low, text_px(" ".join(words)))
    if line_count(text, low) <= lines:
        return low
    for _ in range(30):  # invariant: `high` fits, `low` does not
        middle = (low + high) / 2
        low, high = (low, middle) if line_count(text, middle) <= lines else (middle, high)
    return high


def wrapped(text: str, px: float, lines: int) -> str:
    """`text` as it fits `lines` lines of `px` each, wrapped at spaces (`line_count`): whole where it fits; else cut
    after the last word that fits with "…" (a first word too long for a line: cut in it, as `clipped`).

    >>> wrapped("GLM-5 model card benchmark table", 100, 3), wrapped("GLM-5 model card benchmark table", 100, 2)
    ('GLM-5 model card benchmark table', 'GLM-5 model card…')
    """
    if line_count(text, px) <= lines and all(text_px(w) <= px for w in text.split()):
        return text
    kept: list[str] = []
    for word in text.split():
        if text_px(word) + CHAR_PX[ELLIPSIS] > px or line_count(" ".join([*kept, word]) + ELLIPSIS, px) > lines:
            break
        kept.append(word)
    if not kept:
        return clipped(text, px)
    return " ".join(kept).rstrip(",;:(") + ELLIPSIS


def distinct(texts: list[str], px: float, middle: bool) -> list[str]:
    """`texts` clipped to `px` (`clipped`) so that different texts never read the same: where two clip alike
    ("…-preview:batch" for two Gemini models), that group's cut moves along them, more of the front kept or more
    of the back, until each reads differently (left alike where no cut of that width tells them apart).

    >>> distinct(["google/gemini-3-flash-preview:batch", "google/gemini-3.1-pro-preview:batch"], 150, True)
    ['google/gemini-3-fl…atch', 'google/gemini-3.1…atch']

    (Cut in the middle, both read "google/gem…view:batch"; with 70 % of the characters from the front they differ.)
    """
    out = [clipped(t, px, middle) for t in texts]
    readers: dict[str, set[str]] = {}
    for text, shown_text in zip(texts, out, strict=True):
        readers.setdefault(shown_text, set()).add(text)
    for shown_text, group in readers.items():
        if len(group) < 2:
            continue
        taken = set(readers) - {shown_text}
        for share in (0.7, 0.3, 0.85, 0.15, 1.0, 0.0):
            cuts = {t: clipped(t, px, True, share) for t in group}
            if len(set(cuts.values())) == len(group) and not taken & set(cuts.values()):
                out = [cuts.get(t, o) if o == shown_text else o for t, o in zip(texts, out, strict=True)]
                break
    return out


ID_BREAKS = re.compile(r"[^-_/.: ]*[-_/.: ]?")
"""An id's pieces: each runs to a dash, underscore, slash, dot, colon or space, which it keeps ("qwen3-", "235b-")."""


def id_lines(text: str, px: float) -> list[str]:
    """`text` (an id) in lines at most `px` wide, broken after its dashes or at its spaces (greedy, as the grid wraps
    words: each piece on the current line if it fits, else on the next one; a piece wider than a line is broken
    between characters). A line broken at a space ends without it: the grid reads a newline as a space, so an id's
    own spaces stay where they were and none is added.

    >>> id_lines("qwen3-235b-fireworks", 100), id_lines("glm5-h200", 100), id_lines("gemini 3.1 pro batch", 80)
    (['qwen3-235b-', 'fireworks'], ['glm5-h200'], ['gemini 3.1 ', 'pro batch'])
    """
    lines = [""]
    for piece in filter(None, ID_BREAKS.findall(text)):
        if lines[-1] and text_px((lines[-1] + piece).rstrip(" ")) > px:
            lines.append("")
        while not lines[-1] and text_px(piece.rstrip(" ")) > px:  # wider than a line alone: broken between characters
            cut = max(1, _fitting(piece, px))
            lines[-1], piece = piece[:cut], piece[cut:]
            if piece:
                lines.append("")
        lines[-1] += piece
    return lines


def broken_ids(texts: list[str], px: float, lines: int) -> list[str]:
    """`texts` (ids) as cells of rows `lines` lines tall, `px` wide: each whole, broken into lines after its dashes
    with newlines (the grid wraps at them as at spaces), where it fits on `lines` lines; else cut in the middle
    (`distinct`) to what does. The grid would break a long id anywhere ("…-on-re" / "nted-h200-…").

    >>> broken_ids(["qwen3-235b-fireworks", "glm5-h200"], 100, 3)
    ['qwen3-235b-\\nfireworks', 'glm5-h200']
    >>> broken_ids(["gemini 3.1 pro batch"], 80, 3)  # at its own space: "3.1" stays whole, no space is added
    ['gemini 3.1\\npro batch']
    >>> broken_ids(["self-hosted-glm5-fp8-on-rented-h200-one-year-reserved-support-a"], 100, 3)
    ['self-hosted-\\nglm5…erved-\\nsupport-a']
    """
    for share in (1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4):
        cut = distinct(texts, lines * px * share, True)
        broken = [id_lines(c, px) for c in cut]
        if all(len(b) <= lines for b in broken):
            return ["\n".join(line.rstrip(" ") for line in b) for b in broken]
    return distinct(texts, px, True)
