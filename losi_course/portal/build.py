"""Build the Velmora portal (``site/``) from one layout and the content of each page.

``templates/layout.html`` holds what every page shares: the head, the header with the menus and
the search box, the breadcrumb trail, the date of the last update and the footer. Each page in
``pages/`` extends it and gives its title, description, menu section, trail, date and main
content; the Spanish home page also gives its own header and footer. The site's other files
(CSS, images, data, the PDF, ``robots.txt``, ``sitemap.xml``, the RSS feed) are not generated:
they live in ``site/`` only.

The designed flaws of the practice portal (an image without alt text, broken links, an
unlabelled field, stale pages) are deliberate lines in the pages' content.

``python -m losi_course.portal.build`` (``make portal``) rewrites ``site/``; the tests check that
the committed ``site/`` equals a fresh build.

Example:
    >>> pages = render_site()
    >>> len(pages), "index.html" in pages
    (57, True)
    >>> stale_files() == []
    True
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..velmora import facts

__all__ = ["PAGES_DIR", "TEMPLATES_DIR", "MENU", "QUICK_LINKS", "render_site", "write_site", "stale_files"]

_HERE = Path(__file__).resolve().parent
PAGES_DIR = _HERE / "pages"
TEMPLATES_DIR = _HERE / "templates"
SITE_DIR = _HERE / "site"

#: The main menu: (page, label). A page's ``section`` names the entry it belongs to.
MENU = (
    ("index.html", "Home"),
    ("services/index.html", "Services"),
    ("payments.html", "Pay online"),
    ("living/index.html", "Living in Velmora"),
    ("government/index.html", "City government"),
    ("participation/index.html", "Have your say"),
    ("news/index.html", "News"),
    ("events.html", "Events"),
)
#: The footer's quick links.
QUICK_LINKS = (
    ("contact.html", "Contact us"),
    ("help.html", "Help and FAQ"),
    ("sitemap.html", "Site map"),
    ("open-data.html", "Open data"),
    ("jobs.html", "Jobs"),
    ("privacy.html", "Privacy statement"),
    ("accessibility.html", "Accessibility statement"),
)


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # The pages are hand-written HTML, so nothing is escaped; a name a page forgets is an error.
    return Environment(loader=FileSystemLoader([str(TEMPLATES_DIR), str(PAGES_DIR)]), autoescape=False, trim_blocks=True,
                       keep_trailing_newline=True, undefined=StrictUndefined)


_MAIN_OPEN = '<main id="main" class="wrap">\n'
_MAIN_CLOSE = "</main>\n"
_CRUMBS_OPEN = '  <nav class="breadcrumb" aria-label="Breadcrumb">\n'
_CRUMBS_CLOSE = "  </nav>\n"
_UPDATED = '  <p class="updated">'


def _one_line(html: str) -> str:
    """Machine-made HTML on one line (newlines and indentation become single spaces)."""
    return " ".join(part.strip() for part in html.splitlines() if part.strip())


def _compact_chrome(page: str) -> str:
    """Write the shared parts (head; header and breadcrumb; last update and footer) one line each.

    The readable source of the shared parts is ``templates/layout.html``; in the generated pages
    they are machine output, so one line each keeps each page's own content in view (and its
    lines are the page's own). The page's content keeps its lines.
    """
    start, end = page.index(_MAIN_OPEN), page.index(_MAIN_CLOSE)
    top, content, bottom = page[:start], page[start + len(_MAIN_OPEN):end], page[end + len(_MAIN_CLOSE):]
    doctype, html_tag, rest = top.split("\n", 2)
    head_end = rest.index("</head>") + len("</head>")
    head, body = rest[:head_end], rest[head_end:]
    opening = f"{_one_line(body)} {_MAIN_OPEN.rstrip()}"
    if content.startswith(_CRUMBS_OPEN):
        crumbs_end = content.index(_CRUMBS_CLOSE) + len(_CRUMBS_CLOSE)
        opening += " " + _one_line(content[:crumbs_end])
        content = content[crumbs_end:]
    closing = _MAIN_CLOSE
    lines = content.splitlines(keepends=True)
    if lines and lines[-1].startswith(_UPDATED):
        closing = lines.pop() + closing
        content = "".join(lines)
    return (f"{doctype}\n{html_tag} {_one_line(head)}\n{opening}\n{content}"
            f"{_one_line(closing + bottom)}\n")


def render_site() -> dict[str, bytes]:
    """``{site-relative path: bytes}`` of every page of the portal, built from the layout and the pages."""
    environment = _environment()
    built: dict[str, bytes] = {}
    for source in sorted(PAGES_DIR.rglob("*.html")):
        relative = source.relative_to(PAGES_DIR).as_posix()
        depth = relative.count("/")
        context = {"root": "../" * depth, "lang": "en", "section": "", "menu": MENU, "quick_links": QUICK_LINKS,
                   "domain": facts.DOMAIN, "country": facts.COUNTRY_NAME}
        page = environment.get_template(relative).render(context)
        built[relative] = _compact_chrome(page).encode("utf-8")
    return built


def write_site(folder: Path = SITE_DIR) -> list[str]:
    """Write the built pages into ``folder``, removing pages that have no source any more."""
    built = render_site()
    for stale in set(_pages_in(folder)) - set(built):
        (folder / stale).unlink()
    for relative, data in built.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return sorted(built)


def _pages_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) if folder.is_dir() else []


def stale_files(folder: Path = SITE_DIR) -> list[str]:
    """Pages of ``folder`` that differ from a fresh build (or are missing or have no source)."""
    built = render_site()
    present = _pages_in(folder)
    differ = [name for name, data in built.items()
              if name not in present or (folder / name).read_bytes() != data]
    return sorted(differ + [name for name in present if name not in built])


if __name__ == "__main__":  # python -m losi_course.portal.build
    written = write_site()
    print(f"Wrote {len(written)} files to {SITE_DIR}", file=sys.stderr)
