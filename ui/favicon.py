"""The browser tab's icon, drawn here: a Material icon name as `page_icon` made every page load fetch the icon font
from fonts.gstatic.com (a reviewer saw it fail offline; an internal tool should not call out on each load)."""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

SIZE_PX = 64
INK = (38, 50, 56, 255)
PAPER = (236, 239, 241, 255)


@functools.cache
def favicon() -> Image.Image:
    """A calculator: a dark body, a light display and a 3 × 3 grid of keys, 64 × 64 px.

    >>> icon = favicon()
    >>> icon.size, icon.getpixel((32, 2))[3], icon.getpixel((0, 0))[3]
    ((64, 64), 255, 0)
    """
    image = Image.new("RGBA", (SIZE_PX, SIZE_PX), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 2, 56, 62), radius=8, fill=INK)
    draw.rectangle((14, 8, 50, 22), fill=PAPER)
    for row in range(3):
        for column in range(3):
            left, top = 14 + column * 13, 28 + row * 11
            draw.rectangle((left, top, left + 10, top + 8), fill=PAPER)
    return image
