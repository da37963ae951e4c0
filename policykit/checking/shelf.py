"""The policies a run has validated, kept compact: so that a batch's memory stays flat.

A policy read in a pool's process comes back pickled (and compressed), and stays so: it is
read back each time it is asked for, and dropped once used. 1,000 policies take 31 MiB as
objects, 8.4 MiB as pickles and 2.8 MiB compressed, so an export of 1,000 holds one policy
at a time, not all. What a batch needs of
every policy at once (its id and title for links, its file, whether it is a draft revision)
is on its card, which is always at hand.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from policykit.model.policy import Policy


@dataclass(frozen=True, slots=True)
class Card:
    """What a batch needs of a policy without reading it back."""

    id: str
    title: str
    #: The path its findings and outputs name it by (`Policy.span.file`).
    file: str
    is_draft_revision: bool

    @classmethod
    def of(cls, policy: Policy) -> Card:
        return cls(policy.id, policy.title, policy.span.file, policy.is_draft_revision)


#: A policy as the shelf holds it: itself, or its pickle.
Stored = Policy | bytes


def shelved(policy: Policy) -> bytes:
    """The policy as a compressed pickle. zlib's fastest level: a third of the size, in
    0.13 ms a policy (reading back takes 0.05 ms more)."""
    return zlib.compress(pickle.dumps(policy, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unshelved(stored: Stored) -> Policy:
    """The policy itself (from `shelved` in `checking.validate`: this user's own run, or
    the cache sealed with this user's secret)."""
    if isinstance(stored, bytes):
        policy = pickle.loads(zlib.decompress(stored))
        assert isinstance(policy, Policy)
        return policy
    return stored


class Shelf(Sequence[Policy]):
    """Policies in order, each with its card. Indexing gives the policy (read back from its
    pickle, anew each time: keep it while it is used, not longer)."""

    __slots__ = ("_cards", "_stored")

    def __init__(self, entries: Iterable[tuple[Stored, Card]] = ()) -> None:
        self._stored: list[Stored] = []
        self._cards: list[Card] = []
        for stored, card in entries:
            self.add(stored, card)

    @classmethod
    def of(cls, policies: Iterable[Policy]) -> Shelf:
        """Policies at hand, kept as they are."""
        return policies if isinstance(policies, Shelf) else cls((p, Card.of(p)) for p in policies)

    def add(self, stored: Stored, card: Card) -> None:
        self._stored.append(stored)
        self._cards.append(card)

    @overload
    def __getitem__(self, index: int) -> Policy: ...

    @overload
    def __getitem__(self, index: slice) -> Shelf: ...

    def __getitem__(self, index: int | slice) -> Policy | Shelf:
        if isinstance(index, slice):
            return Shelf(zip(self._stored[index], self._cards[index], strict=True))
        return unshelved(self._stored[index])

    def __len__(self) -> int:
        return len(self._stored)

    @property
    def cards(self) -> list[Card]:
        return list(self._cards)

    def stored(self, index: int) -> Stored:
        """The policy as kept: to send to another process as it is."""
        return self._stored[index]

    def where(self, keep: Callable[[Card], bool]) -> Shelf:
        """The policies whose cards `keep` keeps."""
        kept = zip(self._stored, self._cards, strict=True)
        return Shelf(entry for entry in kept if keep(entry[1]))
