"""Item 9b: the volume box reads amounts as people write them, words included ("3 million", "1.2 bn")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tco.finance.volume_ranges import volume_words
from ui.amounts import EXAMPLES, SCALES, WORDS, parse_amount, with_separators

SPELLINGS = sorted(s for s in SCALES if s)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3 million", 3e6),
        ("3 mln", 3e6),
        ("3 Mn", 3e6),
        ("3,000k", 3e6),
        ("2.5 thousand", 2.5e3),
        ("1.2 billion", 1.2e9),
        ("1.2 bn", 1.2e9),
        ("1.2 BN", 1.2e9),
        ("1.2 Billion", 1.2e9),
        ("3 MILLION", 3e6),
        ("3 millions", 3e6),
        ("2 trillion", 2e12),
        ("1.5 tn", 1.5e12),
        ("3M", 3e6),
        ("750k", 7.5e5),
        ("1.2B", 1.2e9),
        ("7.5e9", 7.5e9),
        (" 3,000,000 ", 3e6),
    ],
)
def test_words_and_suffixes(text: str, value: float) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    "text",
    ["three million", "3 milion", "3MM", "3 mm", "3 millionk", "3 k million", "million", "3 bnn", "-3 million",
     "0 million", "3,000,000 requests", "1e999 million", "nan", "3 ms"],
)  # fmt: skip
def test_nonsense_is_refused_with_a_word_example(text: str) -> None:
    with pytest.raises(ValueError, match="expected a") as refused:
        parse_amount(text)
    if "such as" in str(refused.value):
        assert "3 million" in str(refused.value) and EXAMPLES in str(refused.value)


@pytest.mark.parametrize("text", ["12,5M", "1,25", "30,00", "1,2345", "12,50 million", "3,0000k"])
def test_a_decimal_comma_is_refused_never_read_as_thousands(text: str) -> None:
    """A reviewer typed "12,5M" and got 125,000,000 requests a month with no word: a comma only ever separates
    groups of three digits, and one that cannot is said to be a decimal comma."""
    with pytest.raises(ValueError, match=r"a comma separates thousands .* write a decimal with a point, e\.g\. 12\.5M"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["12 5M", "1_25", "3 0000", "30,000,00"])
def test_a_separator_between_groups_other_than_three_digits_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a number such as"):
        parse_amount(text)


@given(st.integers(min_value=1, max_value=10**15))
def test_an_amount_written_with_separators_reads_back_exactly(n: int) -> None:
    assert parse_amount(with_separators(n)) == n


@given(st.integers(min_value=1, max_value=10**15))
def test_the_volume_fields_caption_reads_back(n: int) -> None:
    """The caption under the volume field ("= 12,000,000 requests/month (12M)") in the verdict's own words reads
    back as an amount: to the unit below a million, within half of 0.1 M (at least 1 M) above it, within half of
    0.01 B or T above a billion."""
    shown = volume_words(n)
    assert parse_amount(shown) == pytest.approx(n, rel=0.05 if n < 1e9 else 0.005)
    if n < 1e6:
        assert parse_amount(shown) == n


@given(
    mantissa=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(999_999), places=3),
    spelling=st.sampled_from(SPELLINGS),
    space=st.sampled_from(["", " ", "  "]),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    plural=st.booleans(),
    separators=st.booleans(),
)
def test_a_number_written_with_any_scale_reads_back_exactly(
    mantissa: Decimal, spelling: str, space: str, case, plural: bool, separators: bool
) -> None:
    """Formatting a number as people write it ("1,234.5 million", "2.5K", "7 Billions") and parsing it back gives
    the number itself: digits times scale, to the nearest float (no float rounding on the way)."""
    digits = f"{mantissa:,f}" if separators else f"{mantissa:f}"
    word = spelling + ("s" if plural and spelling in WORDS else "")
    text = f"{digits}{space}{case(word)}"
    assert parse_amount(text) == float(mantissa * SCALES[spelling])
