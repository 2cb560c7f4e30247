"""Intent files: the project's YAML/JSON format and CSV text,label pairs, read and written.

YAML/JSON: a list of intents, or a mapping with an `intents` list; each intent has a
`name` and optionally description, training_phrases, parameters, responses,
follow_up_intents and category. CSV: a header row (whatever its names), then the text
in the first column and the label in the second; each distinct label becomes an intent
whose texts are its training phrases.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from blogster_cli.chatbot import patterns
from blogster_cli.content.files import read_named_text
from blogster_cli.errors import InvalidInput
from blogster_cli.vocabulary import ChatbotIntentCategory

MAX_NAME_LENGTH = 100
MAX_PHRASE_LENGTH = 500
OUT_OF_SCOPE_LABEL = "oos"
MAX_PARAMETERS = 50  # their patterns share one message's time (replies.PATTERN_TIMEOUT_S)


@dataclass
class IntentSpec:
    """One intent as a file describes it (and as the database stores it)."""

    name: str
    description: str | None = None
    training_phrases: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    follow_up_intents: list[str] = field(default_factory=list)
    category: ChatbotIntentCategory = ChatbotIntentCategory.SUPPORT

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = str(self.category)
        return data


def _clean_name(value: Any, where: str) -> str:
    name = str(value or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(ch.isspace() and ch != " " for ch in name):
        raise InvalidInput(f"{where}: an intent name has 1 to {MAX_NAME_LENGTH} characters on one line")
    return name


def _phrases(values: Any, where: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidInput(f"{where}: training_phrases must be a list of strings (quote yes, no, on, off in YAML)")
    return unique([v.strip()[:MAX_PHRASE_LENGTH] for v in values if v.strip()])


def unique(values: list[str]) -> list[str]:
    """The values in order, each once."""
    return list(dict.fromkeys(values))


def _response(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return value
    raise InvalidInput(f"{where}: each response is a string or a mapping with a `text`")


def intent_from_mapping(data: Any, where: str) -> IntentSpec:
    """One intent from a parsed YAML/JSON mapping (InvalidInput naming the intent if it is wrong)."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: each intent is a mapping with a `name`")
    name = _clean_name(data.get("name"), where)
    where = f"{where} ({name})"
    unknown = set(data) - {f for f in IntentSpec.__dataclass_fields__}
    if unknown:
        raise InvalidInput(f"{where}: unknown field {sorted(unknown)[0]!r}")
    category = data.get("category") or ChatbotIntentCategory.SUPPORT
    if category not in ChatbotIntentCategory.__members__.values():
        raise InvalidInput(f"{where}: category is one of {', '.join(ChatbotIntentCategory)}")
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise InvalidInput(f"{where}: parameters must be a mapping")
    _check_parameters(parameters, where)
    follow_ups = data.get("follow_up_intents") or []
    if not isinstance(follow_ups, list):
        raise InvalidInput(f"{where}: follow_up_intents must be a list of intent names")
    description = data.get("description")
    return IntentSpec(
        name=name,
        description=str(description) if description is not None else None,
        training_phrases=_phrases(data.get("training_phrases") or [], where),
        parameters=parameters,
        responses=[_response(r, where) for r in data.get("responses") or []],
        follow_up_intents=unique([_clean_name(f, where) for f in follow_ups]),
        category=ChatbotIntentCategory(category),
    )


def _check_parameters(parameters: dict[Any, Any], where: str) -> None:
    """At most MAX_PARAMETERS, each `pattern` a string `patterns.problem` finds nothing wrong with."""
    if len(parameters) > MAX_PARAMETERS:
        raise InvalidInput(
            f"{where}: an intent has at most {MAX_PARAMETERS} parameters (this one has {len(parameters)})"
        )
    for name, rule in parameters.items():
        if not isinstance(rule, dict) or "pattern" not in rule:
            continue
        pattern = rule["pattern"]
        problem = patterns.problem(pattern) if isinstance(pattern, str) else "a pattern is a string"
        if problem:
            raise InvalidInput(f"{where}: parameter {name!r}: {problem}")


def parse_structured(text: str, *, source: str) -> list[IntentSpec]:
    """Intents from the project's YAML or JSON (JSON is YAML, so one parser reads both)."""
    import yaml

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInput(f"{source}: not valid YAML or JSON{line}") from None
    if isinstance(data, dict) and "intents" in data:
        data = data["intents"]
    if not isinstance(data, list):
        raise InvalidInput(f"{source}: {_not_intents(data)}")
    intents = [intent_from_mapping(item, f"{source}: intent {i + 1}") for i, item in enumerate(data)]
    names = [i.name for i in intents]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise InvalidInput(f"{source}: intent {duplicate!r} appears twice")
    return intents


ACCEPTED = (
    "expected a list of intents, or a mapping with an `intents` list (YAML or JSON), or a .csv file"
    " of text,label rows after a header row"
)


def _not_intents(data: object) -> str:
    """Why a file's data is no intents: the forms accepted, and for a mapping of [text, label] pairs
    (CLINC150's own layout: "train", "val", "test", "oos_train"...) how to bring them in."""
    if isinstance(data, dict) and data and all(isinstance(value, list) for value in data.values()):
        pairs = [value[0] for value in data.values() if value]
        if pairs and all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
            splits = ", ".join(str(key) for key in list(data)[:4]) + (", ..." if len(data) > 4 else "")
            return f"{ACCEPTED}; this one maps {splits} to [text, label] pairs: write those as CSV rows"
    return ACCEPTED


def read_pairs(text: str, *, source: str) -> list[tuple[str, str]]:
    """(text, label) rows of a CSV with a header row; the first two columns, whatever their names."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InvalidInput(f"{source}: the CSV is empty")
    pairs = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InvalidInput(f"{source}: line {number} needs a text and a label")
        pairs.append((row[0].strip()[:MAX_PHRASE_LENGTH], _clean_name(row[1], f"{source}: line {number}")))
    if not pairs:
        raise InvalidInput(f"{source}: no text,label rows after the header")
    return pairs


def parse_csv(text: str, *, source: str) -> list[IntentSpec]:
    """One intent per distinct label, its texts as training phrases (in file order)."""
    by_label: dict[str, list[str]] = {}
    for phrase, label in read_pairs(text, source=source):
        by_label.setdefault(label, []).append(phrase)
    return [IntentSpec(name=label, training_phrases=unique(phrases)) for label, phrases in by_label.items()]


def read_file(path: Path) -> tuple[list[IntentSpec], bool]:
    """The intents in `path` and whether it was a CSV (which carries phrases only)."""
    text = read_named_text(path)
    if path.suffix.lower() == ".csv":
        return parse_csv(text, source=str(path)), True
    return parse_structured(text, source=str(path)), False


def merge(existing: IntentSpec, incoming: IntentSpec, *, phrases_only: bool) -> IntentSpec:
    """An intent re-imported: phrases added to the ones it had; with a full file, the rest replaced."""
    phrases = unique(existing.training_phrases + incoming.training_phrases)
    if phrases_only:
        return IntentSpec(**{**existing.__dict__, "training_phrases": phrases})
    return IntentSpec(**{**incoming.__dict__, "training_phrases": phrases})


def dump(intents: list[IntentSpec], *, suffix: str) -> str:
    """The intents as YAML (.yaml/.yml), JSON (.json) or CSV text,label pairs (.csv)."""
    suffix = suffix.lower()
    if suffix == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["text", "intent"])
        for intent in intents:
            writer.writerows([phrase, intent.name] for phrase in intent.training_phrases)
        return out.getvalue()
    data = {"intents": [i.as_dict() for i in intents]}
    if suffix == ".json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if suffix in (".yaml", ".yml"):
        import yaml

        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    raise InvalidInput("the file name must end in .yaml, .yml, .json or .csv")
