"""Name screening for the Sahel and West Africa: normalise, know the transcription variants, score with reasons.

A name goes through four steps, each driven by data files in `watchlists/data/` (see its README):
1. normalise: Unicode NFKD, diacritics dropped, case folded, apostrophes joined (N'Diaye = Ndiaye), other
   punctuation and hyphens split words;
2. particles and titles (`particles.csv`: Ag, Ould, Ben, Bin, El, El Hadj...) are set aside: "Mohamed Ag Ahmed"
   and "Mohamed Ould Ahmed" are two transcriptions of "Mohamed son of Ahmed";
3. each remaining word gets a canonical form when it is a known variant (`name_variants.csv`: Mohamed,
   Muhammad and Mahamadou are one name), and a spelling skeleton (`spelling_rules.csv`: French "ou" = English
   "u", doubled letters, final mute "e", ...), and a phonetic key (Metaphone of the skeleton, `jellyfish`);
4. two names are compared word against word in any order (given names and surnames are swapped between
   documents), fused or split compounds tried (Abdoul Karim = Abdoulkarim); word similarity is 1 for the same
   canonical form or skeleton, else the Jaro-Winkler similarity of the skeletons (`rapidfuzz`), raised when the
   phonetic keys agree.
Dates of birth, often partial, then confirm or weaken the name score (±1 year tolerated). Every score comes
with the reasons that produced it, for the officer.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jellyfish
from rapidfuzz.distance import JaroWinkler

from checkpoint.i18n import _
from watchlists.partial_date import PartialDate

DATA_DIR = Path(__file__).resolve().parent / "data"
_APOSTROPHES = re.compile(r"['’`ʼ‘]")
_NOT_WORD = re.compile(r"[^\w]+|_")

# Word similarities under this floor count as "no match" (Traore vs Toure is 0.75 and is another family).
WORD_FLOOR = 0.8
# Phonetic agreement raises a word pair to at least this similarity.
PHONETIC_MATCH = 0.9
# ... but only for words already this alike in spelling (Metaphone alone equates Seydou and Sidi).
PHONETIC_FLOOR = 0.75
# Metaphone drops vowels: a key of two consonants (Kone and Kane are both "KN") says too little.
PHONETIC_MIN_KEY = 3
# Words this short must agree exactly after spelling rules: Ba/Sy/Sow differ by one letter from other names.
SHORT_WORD = 3
# Each word of the longer name left without a partner costs this much (a passport lists more given names).
UNMATCHED_WORD_COST = 0.04
# A date of birth more than a year apart divides the name score by this: same name, another person, usually.
DOB_MISMATCH_FACTOR = 0.75


@dataclass(frozen=True)
class NameRules:
    """The variant table, particles and spelling rules, loaded from CSV."""

    canonical: dict[str, str]
    particles: dict[str, str]
    spelling: tuple[tuple[re.Pattern, str], ...]
    # word -> Word, filled as words are met: lists repeat the same few hundred given names and surnames
    words: dict[str, Word] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> NameRules:
        """Read `name_variants.csv`, `particles.csv` and `spelling_rules.csv` from `directory`."""
        canonical: dict[str, str] = {}
        with open(directory / "name_variants.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                group = _fold(row["canonical"]).replace(" ", "")
                for variant in [row["canonical"], *row["variants"].split()]:
                    canonical[_fold(variant).replace(" ", "").replace("-", "")] = group
        with open(directory / "particles.csv", newline="", encoding="utf-8") as fh:
            particles = {_fold(row["particle"]): row["kind"] for row in csv.DictReader(fh)}
        with open(directory / "spelling_rules.csv", newline="", encoding="utf-8") as fh:
            rows = sorted(csv.DictReader(fh), key=lambda r: int(r["order"]))
            spelling = tuple((re.compile(r["pattern"]), r["replacement"]) for r in rows)
        return cls(canonical, particles, spelling)

    def skeleton(self, word: str) -> str:
        for pattern, replacement in self.spelling:
            word = pattern.sub(replacement, word)
        return word


@lru_cache(maxsize=1)
def default_rules() -> NameRules:
    return NameRules.load()


@dataclass(frozen=True)
class Word:
    surface: str  # normalised spelling
    canonical: str | None  # variant group, when the word is a known variant
    skeleton: str
    phonetic: str
    fused: bool = False  # two written words joined, to meet a compound written as one

    @property
    def key(self) -> str:
        """What two words must share to be the same name for certain."""
        return self.canonical or self.skeleton


@dataclass(frozen=True)
class PreparedName:
    """A name split into comparable words, with the particles and titles set aside."""

    original: str
    words: tuple[Word, ...]
    particles: tuple[str, ...]


def _fold(text: str) -> str:
    """NFKD, diacritics dropped, case folded; apostrophes vanish, other punctuation becomes a space."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = _APOSTROPHES.sub("", stripped.casefold())
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def normalise(name: str) -> str:
    """The name as compared: NFKD, no diacritics, lower case, no punctuation, single spaces."""
    return _fold(name)


def prepare(name: str, rules: NameRules | None = None) -> PreparedName:
    """Split `name` into words with their canonical form, skeleton and phonetic key."""
    rules = rules or default_rules()
    tokens = normalise(name).split()
    particles = tuple(t for t in tokens if t in rules.particles)
    core = [t for t in tokens if t not in rules.particles] or tokens
    return PreparedName(name, tuple(_word(t, rules) for t in core), particles)


def _word(token: str, rules: NameRules, fused: bool = False) -> Word:
    cache_key = "+" + token if fused else token
    word = rules.words.get(cache_key)
    if word is None:
        skeleton = rules.skeleton(token)
        phonetic = jellyfish.metaphone(skeleton) if skeleton else ""
        word = rules.words[cache_key] = Word(token, rules.canonical.get(token), skeleton, phonetic, fused)
    return word


def _fused(a: Word, b: Word, rules: NameRules) -> Word:
    return _word(a.surface + b.surface, rules, fused=True)


@dataclass(frozen=True)
class WordMatch:
    query: str
    listed: str
    similarity: float
    how: str  # exact | variant | spelling | phonetic | fuzzy


def word_similarity(a: Word, b: Word) -> WordMatch:
    """How alike two words are, and why."""
    if a.surface == b.surface:
        return WordMatch(a.surface, b.surface, 1.0, "exact")
    if a.canonical is not None and a.canonical == b.canonical:
        return WordMatch(a.surface, b.surface, 1.0, "variant")
    if a.skeleton == b.skeleton:
        return WordMatch(a.surface, b.surface, 1.0, "spelling")
    if a.canonical is not None and b.canonical is not None:
        return WordMatch(a.surface, b.surface, 0.0, "different")  # two known, distinct names (Mohamed, Mahmoud)
    if min(len(a.surface), len(b.surface)) <= SHORT_WORD or a.fused or b.fused:
        # Short words and fused compounds must agree outright: fuzzy similarity of a fused whole name would
        # make "Mohamed Traore" look like "Mohamed Toure".
        return WordMatch(a.surface, b.surface, 0.0, "fuzzy")
    similarity = JaroWinkler.normalized_similarity(a.key, b.key)
    similarity = max(similarity, JaroWinkler.normalized_similarity(a.skeleton, b.skeleton))
    if (
        len(a.phonetic) >= PHONETIC_MIN_KEY
        and a.phonetic == b.phonetic
        and PHONETIC_FLOOR <= similarity < PHONETIC_MATCH
    ):
        return WordMatch(a.surface, b.surface, PHONETIC_MATCH, "phonetic")
    return WordMatch(a.surface, b.surface, similarity if similarity >= WORD_FLOOR else 0.0, "fuzzy")


def _assign(query: tuple[Word, ...], listed: tuple[Word, ...]) -> tuple[float, list[WordMatch]]:
    """Best one-to-one pairing of words in any order (greedy on the similarity matrix; names are short)."""
    pairs = [(word_similarity(q, w), i, j) for i, q in enumerate(query) for j, w in enumerate(listed)]
    pairs.sort(key=lambda p: p[0].similarity, reverse=True)
    used_q, used_l, matches = set(), set(), []
    for match, i, j in pairs:
        if match.similarity <= 0 or i in used_q or j in used_l:
            continue
        used_q.add(i)
        used_l.add(j)
        matches.append(match)
    return sum(m.similarity for m in matches), matches


def _with_fusions(words: tuple[Word, ...], rules: NameRules) -> list[tuple[Word, ...]]:
    """The words as written, and with each adjacent pair fused (Abdoul Karim -> Abdoulkarim)."""
    out = [words]
    for i in range(len(words) - 1):
        out.append(words[:i] + (_fused(words[i], words[i + 1], rules),) + words[i + 2 :])
    return out


@dataclass(frozen=True)
class NameScore:
    score: float  # 0-1
    matches: list[WordMatch]
    reasons: list[str]


def compare_names(query: PreparedName, listed: PreparedName, rules: NameRules | None = None) -> NameScore:
    """Similarity of two prepared names in [0, 1] with the word pairings behind it."""
    rules = rules or default_rules()
    best: tuple[float, list[WordMatch], int, int] = (-1.0, [], 0, 0)
    # Fuse words on one side at a time: the name as written against each one-compound reading of the other.
    readings = [(q, listed.words) for q in _with_fusions(query.words, rules)]
    readings += [(query.words, w) for w in _with_fusions(listed.words, rules)[1:]]
    for q_words, l_words in readings:
        total, matches = _assign(q_words, l_words)
        shorter, longer = sorted((len(q_words), len(l_words)))
        if shorter == 0:
            continue
        if shorter == 1 and longer > 1:
            score = total / longer  # one word alone ("Traore") never stands for a full name
        else:
            # Every word of the shorter name must find a partner (a missing one costs its full share, twice:
            # half a name in common is not a match); extra words of the longer name cost a little each.
            score = (2 * total - shorter) / shorter - UNMATCHED_WORD_COST * (longer - len(matches))
        score = max(score, 0.0)
        if score > best[0]:  # strictly: on a tie the names as written explain the result best
            best = (score, matches, len(q_words), len(l_words))
    score, matches, n_query, n_listed = best
    score = min(max(score, 0.0), 1.0)
    reasons = [_describe(m) for m in matches if m.how != "exact"]
    unmatched = max(n_query, n_listed) - len(matches)
    if unmatched:
        reasons.append(_("%(count)d word(s) without a counterpart") % {"count": unmatched})
    if query.particles != listed.particles and (query.particles or listed.particles):
        reasons.append(
            _("particles/titles ignored: %(query)s vs %(listed)s")
            % {"query": " ".join(query.particles) or "-", "listed": " ".join(listed.particles) or "-"}
        )
    if not reasons and matches:
        reasons.append(_("same name"))
    return NameScore(score, matches, reasons)


def _describe(m: WordMatch) -> str:
    words = {"query": m.query, "listed": m.listed, "similarity": m.similarity}
    if m.how == "variant":
        return _("%(query)s ~ %(listed)s: known variant") % words
    if m.how == "spelling":
        return _("%(query)s ~ %(listed)s: transcription variant") % words
    if m.how == "phonetic":
        return _("%(query)s ~ %(listed)s: sounds alike") % words
    return _("%(query)s ~ %(listed)s: similar spelling (%(similarity).2f)") % words


@dataclass(frozen=True)
class DobComparison:
    factor: float
    reason: str


def compare_birth_dates(a: PartialDate | None, b: PartialDate | None) -> DobComparison:
    """How the dates of birth bear on a name match: ±1 year tolerated, partial dates compared as far as known."""
    if a is None or b is None:
        return DobComparison(1.0, _("date of birth not compared (unknown on one side)"))
    if abs(a.year - b.year) > 1:
        years = {"a": a.year, "b": b.year, "apart": abs(a.year - b.year)}
        return DobComparison(DOB_MISMATCH_FACTOR, _("born %(a)d vs %(b)d: %(apart)d years apart") % years)
    placeholder = (a.month, a.day) == (1, 1) or (b.month, b.day) == (1, 1)
    if placeholder or a.month is None or b.month is None:
        what = _("1 January usually stands for an unknown day") if placeholder else _("month unknown on one side")
        if a.year == b.year:
            return DobComparison(1.0, _("same year of birth (%(why)s)") % {"why": what})
        return DobComparison(1.0, _("years of birth within one year (%(why)s)") % {"why": what})
    if a.year == b.year and a.month == b.month and (a.day is None or b.day is None or a.day == b.day):
        return DobComparison(1.0, _("date of birth matches as far as known"))
    if a.year == b.year and a.day is not None and b.day is not None and (a.month, a.day) == (b.day, b.month):
        return DobComparison(1.0, _("date of birth matches with day and month swapped"))
    if abs(a.year - b.year) <= 1 and (a.month, a.day) == (b.month, b.day):
        return DobComparison(1.0, _("same day and month, years one apart"))
    return DobComparison(0.9, _("year within one, day or month differs (%(a)s vs %(b)s)") % {"a": a, "b": b})


@dataclass(frozen=True)
class ListedName:
    """A name entry a kiosk screens against: the subject, every name it is known by, the date of birth."""

    entry_id: str
    names: tuple[str, ...]  # Latin name, original-script name, aliases
    birth_date: str | None = None


@dataclass(frozen=True)
class NameHit:
    entry_id: str
    matched_name: str
    score: float
    reasons: list[str] = field(default_factory=list)


def score_pair(
    query_name: str,
    query_dob: str | None,
    listed_name: str,
    listed_dob: str | None,
    rules: NameRules | None = None,
) -> NameHit:
    """Score one query name (+ DOB) against one listed name (+ DOB): the unit the benchmark measures."""
    rules = rules or default_rules()
    name = compare_names(prepare(query_name, rules), prepare(listed_name, rules), rules)
    dob = compare_birth_dates(_partial(query_dob), _partial(listed_dob))
    return NameHit("", listed_name, name.score * dob.factor, [*name.reasons, dob.reason])


def _partial(text: str | None) -> PartialDate | None:
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None  # an unreadable date on a document is not evidence either way


class NameIndex:
    """Name entries keyed by word (canonical form, phonetic key, prefixes) so a screen scores few of them.

    Entries sharing a written name (lists hold many "Mohamed Traore") share one slot: each distinct name is
    scored once per screen, then every entry bearing it is checked against the date of birth.
    """

    def __init__(self, entries: list[ListedName], rules: NameRules | None = None) -> None:
        self.rules = rules or default_rules()
        self.entries = entries
        self._prepared: list[PreparedName] = []  # slot -> distinct name
        self._bearers: list[list[int]] = []  # slot -> entries bearing it
        self._by_key: dict[str, set[int]] = defaultdict(set)
        slot_of: dict[str, int] = {}
        for number, entry in enumerate(entries):
            for name in entry.names:
                written = normalise(name)
                if not written:
                    continue
                slot = slot_of.get(written)
                if slot is None:
                    prepared = prepare(name, self.rules)
                    slot = slot_of[written] = len(self._prepared)
                    self._prepared.append(prepared)
                    self._bearers.append([])
                    for keys in _keys_by_position(prepared, self.rules).values():
                        for key in keys:
                            self._by_key[key].add(slot)
                if number not in self._bearers[slot]:
                    self._bearers[slot].append(number)
        self._dobs = [_partial(e.birth_date) for e in entries]

    def __len__(self) -> int:
        return len(self.entries)

    def screen(self, name: str, birth_date: str | None, cutoff: float) -> list[NameHit]:
        """Entries whose best name scores at least `cutoff` against `name` (+ DOB), best first, with reasons."""
        query = prepare(name, self.rules)
        dob = _partial(birth_date)
        # A candidate must share a key with two different words of the query (or with its only word): one
        # common word ("Mohamed") alone would make every Mohamed on the list a candidate.
        positions: dict[int, set[int]] = defaultdict(set)
        for position, keys in _keys_by_position(query, self.rules).items():
            for key in keys:
                for slot in self._by_key.get(key, ()):
                    positions[slot].add(position)
        best: dict[int, NameHit] = {}
        for slot, hit in positions.items():
            prepared = self._prepared[slot]
            if len(hit) < min(2, len(query.words), len(prepared.words)):
                continue
            result = compare_names(query, prepared, self.rules)
            if result.score < cutoff:
                continue  # the date of birth only ever lowers a score
            for number in self._bearers[slot]:
                dob_result = compare_birth_dates(dob, self._dobs[number])
                score = result.score * dob_result.factor
                if score >= cutoff and (number not in best or score > best[number].score):
                    entry_id = self.entries[number].entry_id
                    best[number] = NameHit(entry_id, prepared.original, score, [*result.reasons, dob_result.reason])
        return sorted(best.values(), key=lambda h: h.score, reverse=True)


def _keys_by_position(name: PreparedName, rules: NameRules) -> dict[int, set[str]]:
    """Blocking keys per word position (canonical form or skeleton, phonetic key, prefixes, ending); a fused pair
    of words gives its full key to both positions."""
    out: dict[int, set[str]] = defaultdict(set)
    words = name.words
    spans = [((i,), w) for i, w in enumerate(words)]
    spans += [((i, i + 1), _fused(words[i], words[i + 1], rules)) for i in range(len(words) - 1)]
    for positions, word in spans:
        keys = {"k:" + word.key}
        if not word.fused:  # a fused word's prefix is its first word's: it must not vote for both positions
            # Prefixes of the spelling and of its skeleton, and the skeleton's ending: a typo rarely hits all.
            keys |= {"s:" + word.skeleton[:3], "f:" + word.surface[:2], "e:" + word.skeleton[-3:]}
            if word.phonetic:
                keys.add("p:" + word.phonetic)
        for position in positions:
            out[position] |= keys
    return out
