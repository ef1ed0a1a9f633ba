"""Every tag of a parsed page, in document order, looked up by name or id in one pass.

Example:
    >>> from bs4 import BeautifulSoup
    >>> index = TagIndex(BeautifulSoup('<p id="a"><a href="x">x</a><img></p><a>y</a>', "lxml"))
    >>> [t.name for t in index.tags("a", "img")], index.by_id["a"].name
    (['a', 'img', 'a'], 'p')
"""

from __future__ import annotations

__all__ = ["TagIndex"]


class TagIndex:
    """Every tag of a parsed page, in document order, looked up by name or id in one pass.

    bs4's ``find_all`` walks the whole tree at each call; a page's facts need some thirty such
    looks, so the tags are collected once instead.
    """

    def __init__(self, soup):
        self.all = soup.find_all(True)
        self.by_name: dict[str, list] = {}
        self.by_id: dict[str, object] = {}
        for tag in self.all:
            self.by_name.setdefault(tag.name, []).append(tag)
            ident = tag.get("id")
            if isinstance(ident, str) and ident not in self.by_id:
                self.by_id[ident] = tag

    def tags(self, *names: str, limit: int | None = None) -> list:
        if len(names) == 1:
            found = self.by_name.get(names[0], [])
        else:
            wanted = set(names)
            found = [tag for tag in self.all if tag.name in wanted]
        return found[:limit] if limit is not None else list(found)

    def first(self, name: str):
        found = self.by_name.get(name)
        return found[0] if found else None

    def any_attribute(self, attribute: str, test) -> bool:
        for tag in self.all:
            value = tag.get(attribute)
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and test(v) for v in values):
                return True
        return False
