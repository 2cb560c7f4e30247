"""Is a message in another language than the intents? A cheap guess from function words and
scripts, for the "not sure" reply only (it never changes which intent answers).

A set of intents is in the language whose common function words its phrases use most (only
the words no other language here shares count for that, so Spanish, Italian and Portuguese are
told apart), if clearly so (MARGIN times the next, at least MIN_SET_WORDS of them); its scripts
are those of its phrases' letters. A message is in another language when most of its letters
are in a script the phrases never use ("如何安排发布文章" to an English set), or when it has
none of the set's language's function words but at least MIN_FOREIGN_WORDS of others' (of two
letters or more: "x, y" is no Spanish)
("wie kann ich einen Beitrag planen" to an English set). Short or mixed messages are never
called foreign: the hint is said only when the guess is safe.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

# The most common function words of each language (a few dozen each), written for this check.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and is are to of my you how what can do does it for with this that not your where when why"
        " i me have has be an please there which who get want would could should am was will as in or on at"
        " if all so no a by from we they he she his her our us them its did were been any some much many"
        " more very just also than then now here about up out like know tell thanks hi hello yes ok",
        "de": "der die das und ist ich nicht wie kann ein eine einen einem mein meine meinen mit für auf wo"
        " warum wann sie es zu dem den des wir du bitte habe haben sind bei oder aber noch schon auch können"
        " möchte gibt kein keine wer welche was mir mich dir dich sich ja nein hier sehr alles gut im vom zum"
        " zur dass weil hallo danke",
        "es": "el la los las de que y en un una es mi cómo como qué por para con no se del al puedo está hola"
        " mis tu lo le muy pero cuál dónde cuándo quiero tengo hay este esta gracias me te nos su sus yo ya"
        " si sí o a ni más cuando también son ser fue eso esto algo todo da aquí bien",
        "fr": "le la les de des et est un une je mon ma mes comment que qui pour pas dans avec vous il elle ce"
        " du au sur ne suis peux quoi où quand pourquoi bonjour merci votre cette me te se mais ou oui non à"
        " en y on nous son sa ses leur très tout bien ici fait c",
        "it": "il lo la gli le di che e è un una per non come mio mia con sono del della posso cosa ciao ho"
        " hai perché quando dove questo questa nel mi ti grazie anche più io tu lui lei noi voi me te si sì"
        " no al alla ai da dal ma o a se suo sua ci ne sei sta fa qui tutto bene",
        "pt": "o os as de que e é um uma para não como meu minha com do da em no na posso você eu isso isto"
        " por quando onde porque obrigado muito está são tem qual me te se mas ou a ao nos seu sua ele ela"
        " nós só aqui já sim bem tudo foi ser vai estou",
        "nl": "de het een en is ik niet hoe wat mijn van voor met op dat je kan zijn hallo bedankt waar"
        " wanneer waarom jij u er ook maar mij me ze zij wij we hij ja nee heel alles goed hier dank wel"
        " geen naar om te",
    }.items()
}
# "I only understand <the set's language> here", in that language.
ONLY_UNDERSTAND = {
    "en": "I only understand English here.",
    "de": "Ich verstehe hier nur Deutsch.",
    "es": "Aquí solo entiendo español.",
    "fr": "Ici, je ne comprends que le français.",
    "it": "Qui capisco solo l'italiano.",
    "pt": "Aqui só entendo português.",
    "nl": "Ik begrijp hier alleen Nederlands.",
}
MARGIN = 2.0
MIN_SET_WORDS = 5
MIN_FOREIGN_WORDS = 2
SCRIPT_SHARE = 0.01  # a script counts as the set's from 1% of its letters
_WORD = re.compile(r"[^\W\d_]+")
# A word only one language here uses, and that language (what tells a set's language).
_OWN_WORD = {
    word: lang
    for lang, words in FUNCTION_WORDS.items()
    for word in words - frozenset().union(*(other for name, other in FUNCTION_WORDS.items() if name != lang))
}
# Every other language's function words, for each language.
_OTHERS = {
    lang: frozenset().union(*(words for name, words in FUNCTION_WORDS.items() if name != lang))
    for lang in FUNCTION_WORDS
}


@cache
def _script(letter: str) -> str:
    """The first word of a letter's Unicode name: LATIN, CYRILLIC, CJK, ARABIC, HANGUL..."""
    return "LATIN" if letter.isascii() else unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class SetLanguage:
    """What a set of intents is written in: a language code of FUNCTION_WORDS (None: not
    clearly one of them) and the scripts of its phrases' letters."""

    language: str | None
    scripts: frozenset[str]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> SetLanguage:
        text = "\n".join(phrases)
        own = Counter(_OWN_WORD[word] for word in _words(text) if word in _OWN_WORD)
        scripts: Counter[str] = Counter()
        for character, count in Counter(text).items():
            if character.isalpha():
                scripts[_script(character)] += count
        total = sum(scripts.values())
        ranked = [*own.most_common(2), ("", 0), ("", 0)]
        (best, count), (_, second) = ranked[0], ranked[1]
        clear = count >= MIN_SET_WORDS and count >= MARGIN * second
        return cls(best if clear else None, frozenset(s for s, n in scripts.items() if n >= total * SCRIPT_SHARE))

    def is_foreign(self, message: str) -> bool:
        """Whether the message is safely in another language or script than the set's."""
        letters = _letters(message)
        if letters and self.scripts:
            if sum(_script(c) not in self.scripts for c in letters) * 2 > len(letters):
                return True
        if self.language is None:
            return False
        mine = FUNCTION_WORDS[self.language]
        words = _words(message)
        if any(word in mine for word in words):
            return False
        others = _OTHERS[self.language]
        return sum(len(word) > 1 and word in others for word in words) >= MIN_FOREIGN_WORDS

    def hint(self, message: str) -> str | None:
        """For a message in another language: ONLY_UNDERSTAND's sentence in the set's language
        ("I only understand English here."); else None, and None when that language is unknown."""
        if self.language is None or not self.is_foreign(message):
            return None
        return ONLY_UNDERSTAND[self.language]
