"""Long lists a page at a time: which rows a page shows, the same arithmetic everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """One page of a list of ``total`` rows, ``size`` to a page (numbered from 1)."""

    page: int
    pages: int
    total: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def first(self) -> int:
        """The place of the page's first row (1-based), 0 for an empty list."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.size, self.total)

    def page_of(self, place: int) -> int:
        """The page that shows the row at ``place`` (1-based), within this list."""
        return min(page_of(place, self.size), self.pages)


def page_of(place: int, size: int) -> int:
    """The page that shows the row at ``place`` (1-based); also the number of pages of a
    list of ``place`` rows (at least one)."""
    return max(1, -(-place // size))


def window(total: int, asked: int, size: int) -> Window:
    """The page asked for, kept within the list: past the end shows the last page (rows may
    have gone since the link was made)."""
    pages = page_of(total, size)
    return Window(min(max(asked, 1), pages), pages, total, size)
