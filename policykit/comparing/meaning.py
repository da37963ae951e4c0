"""What a change of wording means: editorial or substantive, and why, in words a council can
check.

Wording in the normative parts (goals, definitions, principles, the evaluation rule and the
free sections) is substantive unless the change provably keeps the meaning: only white
space, punctuation or letter case; a spelling fix (a small edit inside one word, the words
around it the same); only markup; or only a link's address, its text the same. Some changes
are substantive wherever they are, because they change what someone must do, or when, or
who: a modal verb or a negation, a number, an amount, a date, a duration, or a named body,
role or department. Outside the normative parts (the purpose, headings and titles) other
rewording is editorial.

The rules are deliberately on the safe side: a word list cannot prove that a change keeps
the meaning, so anything it does not recognise as harmless counts as substantive, and the
secretariat can overrule a verdict with a reason (`policykit.comparing.diff.overrule`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from policykit.comparing.bounds import opcodes
from policykit.comparing.words import tokens


class Category(StrEnum):
    #: Wording only: the meaning is provably the same.
    EDITORIAL = "editorial"
    #: A part added or removed, or a change that can change what the policy says.
    SUBSTANTIVE = "substantive"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a change is in its category: a code (`modal`, `spelling`, `added`…) and the words
    or field it is about. `text` puts it in words in a language (`locales/*.yaml`,
    `reason_<code>`)."""

    code: str
    old: str = ""
    new: str = ""

    def text(self, labels: dict[str, str], field: str | None = None) -> str:
        """In words; `field` names the field of a `field` or `bookkeeping` reason for a
        reader (its label), in place of its path."""
        named = field if field is not None else self.old
        template = labels[f"reason_{self.code}"]
        return template.format(words=self.words(labels), field=named, reason=self.new)

    def words(self, labels: dict[str, str]) -> str:
        """The words it is about: "'skal' → 'kan'", "'ikke' added", "'ikke' removed"."""
        if self.old and self.new:
            return labels["reason_words_changed"].format(old=self.old, new=self.new)
        if self.new:
            return labels["reason_words_added"].format(new=self.new)
        if self.old:
            return labels["reason_words_removed"].format(old=self.old)
        return ""


@dataclass(frozen=True, slots=True)
class Verdict:
    category: Category
    reason: Reason


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words that state a duty, a permission or a prohibition, in both languages.
MODALS = _listed(
    "skal skulle bør burde kan kunne må måtte forpligtet forpligtes pligt påbudt tilladt "
    "forbudt frivilligt frivillig valgfri valgfrit "
    "must shall should may might can could ought required requires require mandatory "
    "optional obliged obligatory permitted allowed prohibited forbidden"
)
NEGATIONS = _listed(
    "ikke aldrig ingen intet ingenting hverken ej undtagen "
    "not no never none nothing nor neither cannot can't won't don't doesn't mustn't "
    "shouldn't isn't aren't except unless"
)
#: Numbers written as words ("en", "et" and "one" are left out: they are also articles).
NUMBER_WORDS = _listed(
    "to tre fire fem seks syv otte ni ti elleve tolv tyve tredive fyrre halvtreds hundrede "
    "tusind million millioner milliard første anden andet tredje fjerde femte sjette halv "
    "halvt halvdelen dobbelt dobbelte "
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion first second third fourth fifth sixth half twice "
    "double once"
)
AMOUNTS = _listed(
    "kr kroner krone dkk eur euro euros usd dollar dollars pund pound pounds procent "
    "procentpoint percent percentage mio mia % $ € £"
)
MONTHS = _listed(
    "januar februar marts april maj juni juli august september oktober november december "
    "january february march may june july october mandag tirsdag onsdag torsdag fredag "
    "lørdag søndag monday tuesday wednesday thursday friday saturday sunday"
)
#: Units of time and words of frequency, in the forms a policy uses.
DURATIONS = _listed(
    "sekund sekunder minut minutter time timer dag dage dagen døgn uge uger ugen måned "
    "måneder måneden kvartal kvartaler kvartalet år året årene halvår halvåret valgperiode "
    "valgperioden daglig dagligt ugentlig ugentligt månedlig månedligt årlig årligt "
    "kvartalsvis hverdag hverdage arbejdsdag arbejdsdage "
    "second seconds minute minutes hour hours day days week weeks month months quarter "
    "quarters year years annual annually daily weekly monthly quarterly yearly fortnight "
    "biennial biannual"
)
#: Stems of named bodies and roles, matched anywhere in a word ("Økonomiudvalget").
BODIES = _listed(
    "byråd kommunalbestyrelse udvalg borgmester direktion direktør chef leder forvaltning "
    "afdeling sekretariat center centre enhed råd bestyrelse medarbejderrepræsentant "
    "tillidsrepræsentant ombudsmand minister styrelse council committee board mayor "
    "director manager officer department team unit secretariat agency administration "
    "ombudsman"
)

#: The minimum likeness of two spellings of one word for a change to be a spelling fix.
SPELLING = 0.75
_WORD = re.compile(r"\w")
_SENTENCE_END = frozenset(".!?:")


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    #: True for the first word of a sentence (or of the text), whose capital says nothing.
    opens: bool

    @property
    def key(self) -> str:
        return self.text.casefold()


def _words(text: str) -> list[_Word]:
    out: list[_Word] = []
    opens = True
    for token in tokens(text):
        if _WORD.search(token):
            out.append(_Word(token, opens))
            opens = False
        elif not token.isspace():
            opens = opens or token in _SENTENCE_END
        if token in ("$", "€", "£", "%"):
            out.append(_Word(token, False))
    return out


def classify_text(old: str, new: str, *, normative: bool) -> Verdict:
    """A change of plain text (or of prose read as its text)."""
    before, after = _words(old), _words(new)
    if [w.key for w in before] == [w.key for w in after]:
        return Verdict(Category.EDITORIAL, Reason("punctuation"))
    spans = _changed(before, after)
    for rule in (_modal, _number, _amount, _date, _duration, _body):
        for removed, added in spans:
            found = rule(removed, added)
            if found is not None:
                return Verdict(Category.SUBSTANTIVE, _quoted(found, removed, added))
    if all(_spelling(removed, added) for removed, added in spans):
        removed, added = spans[0]
        return Verdict(Category.EDITORIAL, _quoted("spelling", removed, added))
    removed, added = spans[0]
    if normative:
        return Verdict(Category.SUBSTANTIVE, _quoted("wording", removed, added))
    return Verdict(Category.EDITORIAL, Reason("wording_free"))


def classify_markup(
    old_plain: str, new_plain: str, old_markup: str, new_markup: str, *, normative: bool
) -> Verdict:
    """A change of prose: its text (`*_plain`) and its canonical Markdown (`*_markup`)."""
    if old_plain == new_plain:
        if _without_addresses(old_markup) == _without_addresses(new_markup):
            return Verdict(Category.EDITORIAL, Reason("link"))
        return Verdict(Category.EDITORIAL, Reason("markup"))
    return classify_text(old_plain, new_plain, normative=normative)


_ADDRESS = re.compile(r"\]\([^)\s]*\)")


def _without_addresses(markdown: str) -> str:
    return _ADDRESS.sub("]()", markdown)


Span = tuple[list[_Word], list[_Word]]


def _changed(before: list[_Word], after: list[_Word]) -> list[Span]:
    """The stretches of words that differ (letter case aside): what one removed and the
    other added in their place."""
    return [
        (before[i1:i2], after[j1:j2])
        for tag, i1, i2, j1, j2 in opcodes([w.key for w in before], [w.key for w in after])
        if tag != "equal"
    ]


def _keys(removed: Sequence[_Word], added: Sequence[_Word]) -> set[str]:
    return {w.key for w in (*removed, *added)}


def _modal(removed: list[_Word], added: list[_Word]) -> str | None:
    keys = _keys(removed, added)
    if keys & NEGATIONS:
        return "negation"
    return "modal" if keys & MODALS else None


def _number(removed: list[_Word], added: list[_Word]) -> str | None:
    keys = _keys(removed, added)
    digits = any(any(c.isdigit() for c in key) for key in keys)
    return "number" if digits or keys & NUMBER_WORDS else None


def _amount(removed: list[_Word], added: list[_Word]) -> str | None:
    return "amount" if _keys(removed, added) & AMOUNTS else None


def _date(removed: list[_Word], added: list[_Word]) -> str | None:
    return "date" if _keys(removed, added) & MONTHS else None


def _duration(removed: list[_Word], added: list[_Word]) -> str | None:
    return "duration" if _keys(removed, added) & DURATIONS else None


def _body(removed: list[_Word], added: list[_Word]) -> str | None:
    """A named body, role or department: a word of one, or a name (a capital inside a
    sentence)."""
    words = (*removed, *added)
    if any(stem in w.key for w in words for stem in BODIES):
        return "body"
    named = any(w.text[:1].isupper() and not w.opens for w in words)
    return "body" if named else None


def _spelling(removed: list[_Word], added: list[_Word]) -> bool:
    """One word for one word, spelled alike: a typo fixed, not another word."""
    if len(removed) != 1 or len(added) != 1:
        return False
    old, new = removed[0].key, added[0].key
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= SPELLING


#: How many words of a stretch a reason quotes, at most.
QUOTED = 8


def _quoted(code: str, removed: list[_Word], added: list[_Word]) -> Reason:
    def words(stretch: list[_Word]) -> str:
        text = " ".join(w.text for w in stretch[:QUOTED])
        return text + (" …" if len(stretch) > QUOTED else "")

    return Reason(code, words(removed), words(added))
