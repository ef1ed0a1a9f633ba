"""How politely and how far the audit reads a portal: the crawl's typed configuration.

A live audit is a visitor on someone else's server, so the defaults are those of a careful
crawler: one request per second to a host, an identifying User-Agent, robots.txt respected
(see :mod:`losi_course.audit.fetching`), a time limit and a size limit on every response, and
a bounded number of pages.

Example:
    >>> policy = CrawlPolicy(max_pages=20)
    >>> policy.max_pages, policy.delay, policy.timeout
    (20, 1.0, 10.0)
    >>> CrawlPolicy(delay=-1)
    Traceback (most recent call last):
    ...
    losi_course.errors.LosiInputError: The delay between two requests must be a number of seconds from 0 to 60, not -1.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..version import __version__
from ..errors import LosiInputError

__all__ = ["CrawlPolicy", "USER_AGENT", "MAX_ANALYSED_TAGS"]

#: Says who is reading and why, so a site's administrators can tell the audit from an attack.
USER_AGENT = (f"losi-course-audit/{__version__} (LOSI training course portal pre-check; "
              "bounded and polite: robots.txt, 1 request/s)")

#: A page is analysed up to this many tags: real portal pages have a few thousand, and a page
#: built to exhaust a parser (endless nesting, millions of elements) stops here.
MAX_ANALYSED_TAGS = 60_000


def _check(value, low, high, what: str, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise LosiInputError(f"The {what} must be a number of {unit} from {low} to {high}, not {value!r}.")


@dataclass(frozen=True)
class CrawlPolicy:
    """The limits of one audit.

    Attributes:
        max_pages: most HTML pages read (the robots.txt, sitemap, style sheets and the test
            search are on top of these).
        delay: seconds between two requests to the same host (a robots.txt ``Crawl-delay``
            that asks for more wins).
        timeout: seconds allowed for each response.
        max_bytes: most bytes read from one response; the rest is not downloaded.
        max_redirects: most redirects followed for one address.
        user_agent: what the audit calls itself.

    Example:
        >>> CrawlPolicy().max_bytes
        5000000
    """

    max_pages: int = 100
    delay: float = 1.0
    timeout: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 10
    user_agent: str = USER_AGENT

    def __post_init__(self):
        if isinstance(self.max_pages, bool) or not isinstance(self.max_pages, int) or not 1 <= self.max_pages <= 5000:
            raise LosiInputError(f"The number of pages must be a whole number from 1 to 5000, not {self.max_pages!r}.")
        _check(self.delay, 0, 60, "delay between two requests", "seconds")
        _check(self.timeout, 1, 120, "time limit of a request", "seconds")
        _check(self.max_bytes, 10_000, 100_000_000, "size limit of a response", "bytes")
        _check(self.max_redirects, 0, 30, "number of redirects", "redirects")
