"""Make the web-page fixtures from the seed's text: the policy as three kinds of CMS page
would serve it, each with the site chrome such pages carry. Run once; the pages are kept.

    python tests/data/import/make_pages.py
"""

from __future__ import annotations

import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = (HERE.parent / "seed" / "ikast-brande-kommunikationspolitik.txt").read_text("utf-8")

#: Chrome strings, each of which a page carries and no import may keep.
CHROME = [
    "Spring til indhold",
    "Vi bruger cookies",
    "Accepter alle cookies",
    "Kun nødvendige",
    "Borger",
    "Erhverv",
    "Politik og demokrati",
    "Job i kommunen",
    "Du er her:",
    "Forside",
    "Politikker og strategier",
    "Del på Facebook",
    "Del på LinkedIn",
    "Udskriv siden",
    "Læs op",
    "Se også",
    "Vision 2012 (pdf)",
    "Byrådets møder",
    "Var siden nyttig?",
    "Ja, tak",
    "Nej",
    "Send feedback",
    "Sidst opdateret 12. marts 2024",
    "Rådhusstrædet 6",
    "7430 Ikast",
    "Tlf: 9960 4000",
    "Kontakt og Digital Post",
    "Åbningstider",
    "Chat med Borgerservice",
    "Start chat",
    "Tilgængelighedserklæring",
    "Find en af kommunens andre hjemmesider",
    "Gå ind på den valgte hjemmeside",
]


def sections() -> list[tuple[str, list[str]]]:
    """(heading, blocks) of the seven sections, blocks as HTML."""
    start = SEED.index("Kommunikationspolitikkens formål\n\nKommunikationspolitikken beskriver")
    end = SEED.index("Ikast-Brande Kommune\nRådhusstrædet 6")
    headings = re.findall(r"^ \d\. (.+)$", SEED, flags=re.M)[:7]
    out: list[tuple[str, list[str]]] = []
    for group in re.split(r"\n\s*\n", SEED[start:end].strip()):
        lines = [line.strip() for line in group.splitlines()]
        if lines[0] in headings:
            out.append((lines[0], []))
        elif re.match(r"^[•]", lines[0]):
            items = "".join(f"<li>{html.escape(line[1:].strip())}</li>" for line in lines)
            out[-1][1].append(f"<ul>{items}</ul>")
        elif re.match(r"^\d\.", lines[0]):
            items = "".join(f"<li>{html.escape(line[2:].strip())}</li>" for line in lines)
            out[-1][1].append(f"<ol>{items}</ol>")
        else:
            out[-1][1].append(f"<p>{html.escape(' '.join(lines))}</p>")
    return out


HEAD = """<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<base href="https://www.example.invalid/">
<title>Kommunikationspolitik | Ikast-Brande Kommune</title>
<link rel="stylesheet" href="https://cdn.example.invalid/site.css">
<script src="https://cdn.example.invalid/tracker.js"></script>
<script>document.cookie = "seen=1"; fetch("https://example.invalid/beacon");</script>
</head>
"""

COOKIES = """<div class="cookie-banner" role="dialog" aria-label="Cookies"><p>Vi bruger cookies
til statistik.</p><button>Accepter alle cookies</button><button>Kun nødvendige</button></div>"""

SITES = """<div class="site-picker"><h2>Find en af kommunens andre hjemmesider</h2><p>Flere af
Ikast-Brande Kommunes institutioner og afdelinger har egen hjemmeside. Du kan finde dem her ved
først at vælge emne og derefter vælge den hjemmeside, du vil gå til.</p><select><option>Vælg
emne</option></select><a href="#">Gå ind på den valgte hjemmeside</a></div>"""

MENU = """<a class="skip" href="#main">Spring til indhold</a>
<img src="https://cdn.example.invalid/logo.png" alt="Ikast-Brande Kommune">
<ul class="menu"><li><a href="/borger">Borger</a></li><li><a href="/erhverv">Erhverv</a></li>
<li><a href="/politik">Politik og demokrati</a></li><li><a href="/job">Job i kommunen</a></li></ul>
<form role="search"><input placeholder="Søg på ikast-brande.dk"><button>Søg</button></form>"""

CRUMBS = """<ol class="breadcrumb"><li>Du er her:</li><li><a href="/">Forside</a></li>
<li><a href="/politik">Politik og demokrati</a></li><li>Politikker og strategier</li></ol>"""

SHARE = """<ul class="share"><li><a href="https://facebook.invalid/share">Del på Facebook</a></li>
<li><a href="https://linkedin.invalid/share">Del på LinkedIn</a></li>
<li><button onclick="print()">Udskriv siden</button></li><li><button>Læs op</button></li></ul>"""

ASIDE = """<h2>Se også</h2><ul><li><a href="/vision.pdf">Vision 2012 (pdf)</a></li>
<li><a href="/byraad">Byrådets møder</a></li></ul>"""

FEEDBACK = """<form class="feedback"><h2>Var siden nyttig?</h2><button>Ja, tak</button>
<button>Nej</button><textarea></textarea><button type="submit">Send feedback</button></form>
<p class="updated">Sidst opdateret 12. marts 2024</p>"""

FOOTER = """<h2>Ikast-Brande Kommune</h2><p>Rådhusstrædet 6<br>7430 Ikast<br>Tlf: 9960 4000</p>
<h2>Kontakt og Digital Post</h2><p><a href="/digital-post">Digital post</a></p>
<h2>Åbningstider</h2><p>Mandag-fredag 10-14</p>
<p><a href="/was">Tilgængelighedserklæring</a></p>"""

CHAT = """<div class="chat-widget"><img src="https://chat.example.invalid/icon.png" alt="Chat ikon">
<p>Chat med Borgerservice</p><button>Start chat</button>
<iframe src="https://chat.example.invalid/frame"></iframe></div>"""


def intro() -> str:
    return (
        "<h1>Kommunikationspolitik</h1>\n<p>29. maj 2007 vedtog Byrådet en "
        "kommunikationspolitik for Ikast-Brande Kommune</p>\n"
    )


def body_sections(accordion: bool) -> str:
    out = []
    for n, (heading, blocks) in enumerate(sections(), start=1):
        if accordion:
            out.append(
                f'<div class="accordion"><h2 class="accordion__title">'
                f'<button aria-expanded="false" aria-controls="panel-{n}">'
                f"{html.escape(heading)}</button></h2>"
                f'<div id="panel-{n}" class="accordion__panel" hidden>{"".join(blocks)}</div></div>'
            )
        else:
            out.append(f"<h2>{html.escape(heading)}</h2>\n" + "\n".join(blocks))
    return "\n".join(out)


def landmarks() -> str:
    return (
        HEAD + "<body>\n" + COOKIES + f"\n<header>{MENU}\n<nav>{SITES}</nav></header>\n"
        f'<nav aria-label="Brødkrumme">{CRUMBS}</nav>\n<main id="main"><article>\n'
        + intro()
        + body_sections(False)
        + f"\n</article>\n{SHARE}\n<aside>{ASIDE}</aside>\n"
        f"{FEEDBACK}</main>\n<footer>{FOOTER}</footer>\n{CHAT}\n</body>\n</html>\n"
    )


def divs() -> str:
    return (
        HEAD
        + '<body>\n<div class="cookies">'
        + COOKIES
        + '</div>\n<div class="top">'
        + MENU
        + SITES
        + '</div>\n<div class="crumbs">'
        + CRUMBS
        + "</div>\n"
        '<div class="content"><div class="text">\n'
        + intro()
        + body_sections(False)
        + "\n</div>"
        + SHARE
        + '<div class="related">'
        + ASIDE
        + "</div>"
        + FEEDBACK
        + '</div>\n<div class="bottom">'
        + FOOTER
        + "</div>\n"
        + CHAT
        + "\n</body>\n</html>\n"
    )


def accordion() -> str:
    return (
        HEAD + "<body>\n" + COOKIES + f"\n<header>{MENU}</header>\n{SITES}\n{CRUMBS}\n"
        '<main><div class="page">\n'
        + intro()
        + body_sections(True)
        + "\n</div>"
        + SHARE
        + ASIDE
        + FEEDBACK
        + "</main>\n<footer>"
        + FOOTER
        + "</footer>\n"
        + CHAT
        + "\n</body>\n</html>\n"
    )


if __name__ == "__main__":
    for name, page in (("landmarks", landmarks()), ("divs", divs()), ("accordion", accordion())):
        (HERE / f"seed-{name}.html").write_text(page, encoding="utf-8")
    (HERE / "chrome.txt").write_text("\n".join(CHROME) + "\n", encoding="utf-8")
