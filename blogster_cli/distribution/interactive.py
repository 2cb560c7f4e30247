"""Quizzes, polls, surveys and calculators without I/O: their structure checked, their widget rendered.

A widget is self-contained HTML with a small inline script (no server, no other file):
a form with fieldsets, legends and labels, results announced through an aria-live
region. It requests /_i/TRACKING-ID/start the first time a reader interacts and
/_i/TRACKING-ID/complete on submit; `analytics ingest` (and `interactive stats --from-log`,
which runs it) counts those, and never as page views (analytics/paths.py: `beacon`, `is_tracking`).
A calculator's formula is parsed here and re-emitted token by token, so the script
can only ever hold arithmetic over the calculator's own inputs. The database takes any JSON as a
structure (a row written by raw SQL): the build reads each one as text and checks it as a save does
(`embedded`), and every value the HTML holds is escaped besides.
"""

from __future__ import annotations

import ast
import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from blogster_cli.analytics.paths import BEACON_PREFIX
from blogster_cli.stored_json import UnreadableJson, decoded

TRACKING_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
NAME = re.compile(r"[a-z_][a-z0-9_]{0,31}")
MAX_ITEMS = 50
MAX_TEXT = 500
SHORTCODE = re.compile(
    r"(?:<p>)?\{\{(?:<|&lt;)\s*(quiz|poll|survey|calculator)\s+([a-z0-9][a-z0-9-]{0,63})\s*(?:>|&gt;)\}\}(?:</p>)?"
)
SURVEY_KINDS = ("text", "choice", "scale")


class StructureError(ValueError):
    """The structure cannot be saved; the message says where and why."""


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise StructureError(f"{where} must be text of 1-{MAX_TEXT} characters")
    return value.strip()


def _options(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not 2 <= len(value) <= 20:
        raise StructureError(f"{where} must be a list of 2-20 options")
    return [_text(option, f"{where}[{i}]") for i, option in enumerate(value)]


def _items(structure: dict[str, Any], key: str) -> list[Any]:
    items = structure.get(key)
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise StructureError(f"'{key}' must be a list of 1-{MAX_ITEMS} entries")
    return items


def _quiz(structure: dict[str, Any]) -> dict[str, Any]:
    questions = []
    for i, question in enumerate(_items(structure, "questions")):
        where = f"questions[{i}]"
        if not isinstance(question, dict):
            raise StructureError(f"{where} must be an object")
        options = _options(question.get("options"), f"{where}.options")
        answer = question.get("answer")
        if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(options):
            raise StructureError(f"{where}.answer must be the index of one of its options (0-{len(options) - 1})")
        questions.append({"text": _text(question.get("text"), f"{where}.text"), "options": options, "answer": answer})
    return {"questions": questions}


def _poll(structure: dict[str, Any]) -> dict[str, Any]:
    return {
        "question": _text(structure.get("question"), "question"),
        "options": _options(structure.get("options"), "options"),
    }


def _survey(structure: dict[str, Any]) -> dict[str, Any]:
    questions = []
    for i, question in enumerate(_items(structure, "questions")):
        where = f"questions[{i}]"
        if not isinstance(question, dict):
            raise StructureError(f"{where} must be an object")
        kind = question.get("kind", "text")
        if kind not in SURVEY_KINDS:
            raise StructureError(f"{where}.kind must be one of {', '.join(SURVEY_KINDS)}")
        entry: dict[str, Any] = {"text": _text(question.get("text"), f"{where}.text"), "kind": kind}
        if kind == "choice":
            entry["options"] = _options(question.get("options"), f"{where}.options")
        questions.append(entry)
    return {"questions": questions}


_OPERATORS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%", ast.Pow: "**"}


def _shown_number(value: int | float) -> bool:
    """Whether JavaScript holds `value` as a number (a float's range; not infinity, not NaN)."""
    try:
        return math.isfinite(value)
    except OverflowError:  # an int past a float's range
        return False


def formula_js(formula: str, names: set[str]) -> str:
    """The formula as a JavaScript expression over `v.NAME`, or StructureError: numbers, the
    calculator's inputs, + - * / % ** and parentheses only."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        raise StructureError("the formula is not an arithmetic expression") from None

    def emit(node: ast.AST) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            if not _shown_number(node.value):  # repr: 'inf', a name in JavaScript
                raise StructureError("the formula's numbers must be at most 1.8e308")
            return repr(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise StructureError(f"the formula uses {node.id!r}, which is not one of the inputs")
            return f"v.{node.id}"
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return f"({emit(node.left)} {_OPERATORS[type(node.op)]} {emit(node.right)})"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return f"({'-' if isinstance(node.op, ast.USub) else '+'}{emit(node.operand)})"
        raise StructureError("the formula may use numbers, the inputs, + - * / % ** and parentheses only")

    return emit(tree.body)


def _calculator(structure: dict[str, Any]) -> dict[str, Any]:
    inputs = []
    for i, field in enumerate(_items(structure, "inputs")):
        where = f"inputs[{i}]"
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not NAME.fullmatch(field["name"]):
            raise StructureError(f"{where}.name must be a lowercase identifier (a-z, 0-9, _)")
        default = field.get("default", 0)
        if not isinstance(default, int | float) or isinstance(default, bool):
            raise StructureError(f"{where}.default must be a number")
        if not _shown_number(default):  # 1e999 reads as infinity, which JSON (and so the database) cannot hold
            raise StructureError(f"{where}.default must be a number between -1.8e308 and 1.8e308")
        inputs.append({"name": field["name"], "label": _text(field.get("label"), f"{where}.label"), "default": default})
    names = {field["name"] for field in inputs}
    if len(names) != len(inputs):
        raise StructureError("input names must be unique")
    formula = _text(structure.get("formula"), "formula")
    formula_js(formula, names)
    label = _text(structure.get("result_label", "Result"), "result_label")
    return {"inputs": inputs, "formula": formula, "result_label": label}


VALIDATORS = {"quiz": _quiz, "poll": _poll, "survey": _survey, "calculator": _calculator}


def validated(content_type: str, structure: Any) -> dict[str, Any]:
    """The structure as stored (unknown keys dropped, text trimmed), or StructureError saying what is wrong."""
    if not isinstance(structure, dict):
        raise StructureError("the structure must be a JSON object")
    return VALIDATORS[content_type](structure)


@dataclass(frozen=True)
class Widget:
    content_type: str
    tracking_id: str
    title: str
    structure: dict[str, Any]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _choices(name: str, options: list[str]) -> str:
    return "".join(
        f'<label><input type="radio" name="{_e(name)}" value="{i}" required> {_e(option)}</label><br>'
        for i, option in enumerate(options)
    )


def _fields(widget: Widget) -> str:
    s, t = widget.structure, widget.tracking_id
    if widget.content_type == "quiz":
        return "".join(
            f"<fieldset><legend>{_e(q['text'])}</legend>{_choices(f'{t}-q{i}', q['options'])}</fieldset>"
            for i, q in enumerate(s["questions"])
        )
    if widget.content_type == "poll":
        return f"<fieldset><legend>{_e(s['question'])}</legend>{_choices(f'{t}-q0', s['options'])}</fieldset>"
    if widget.content_type == "survey":
        parts = []
        for i, q in enumerate(s["questions"]):
            name = f"{t}-q{i}"
            if q["kind"] == "choice":
                body = _choices(name, q["options"])
            elif q["kind"] == "scale":
                body = _choices(name, [str(n) for n in range(1, 6)])
            else:
                body = (
                    f'<label for="{_e(name)}" class="visually-hidden">{_e(q["text"])}</label>'
                    f'<textarea id="{_e(name)}" name="{_e(name)}"></textarea>'
                )
            parts.append(f"<fieldset><legend>{_e(q['text'])}</legend>{body}</fieldset>")
        return "".join(parts)
    parts = []
    for f in s["inputs"]:
        name, label, default = _e(f["name"]), _e(f["label"]), _e(str(f["default"]))
        parts.append(
            f'<label for="{_e(t)}-{name}">{label}</label> '
            f'<input type="number" step="any" id="{_e(t)}-{name}" name="{name}" value="{default}"><br>'
        )
    return "".join(parts)


def _js(value: object) -> str:
    """`value` as a JavaScript literal safe inside an HTML <script>: JSON with <, > and & escaped,
    so a label holding "</script><script>..." cannot end the script and start another."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script(widget: Widget) -> str:
    track = _js(f"{BEACON_PREFIX}{widget.tracking_id}/")
    if widget.content_type == "quiz":
        answers = _js([q["answer"] for q in widget.structure["questions"]])
        outcome = (
            f"var a={answers},n=0;a.forEach(function(x,i){{var c=f.querySelector('input[name=\"'+f.id+'-q'+i+'\"]:checked');"
            "if(c&&+c.value===x)n++;});o.textContent='You got '+n+' of '+a.length+' right.';"
        )
    elif widget.content_type == "calculator":
        names = [f["name"] for f in widget.structure["inputs"]]
        expression = formula_js(widget.structure["formula"], set(names))
        label = _js(widget.structure["result_label"])
        outcome = (
            # The values in an object with no prototype, each input by namedItem: any name the save takes
            # (`__proto__`, `constructor`, `length`, `item`) is the input's, not Object's or the form's.
            f"var v=Object.create(null);{_js(names)}.forEach(function(k){{v[k]=parseFloat(f.elements.namedItem(k).value)||0;}});"
            f"var r={expression};o.textContent={label}+': '+(isFinite(r)?Math.round(r*1e6)/1e6:'-');"
        )
    else:
        outcome = "o.textContent='Thank you, your answer is recorded.';"
    return (
        "<script>(function(){var f=document.currentScript.previousElementSibling,o=f.querySelector('output'),s=0;"
        f"function t(e){{new Image().src={track}+e;}}"
        "f.addEventListener('input',function(){if(!s){s=1;t('start');}});"
        f"f.addEventListener('submit',function(ev){{ev.preventDefault();if(!s){{s=1;t('start');}}{outcome}t('complete');}});"
        "})();</script>"
    )


def render_widget(widget: Widget) -> str:
    """The widget's HTML (a form, then its script), ready to stand where the short code was."""
    button = "Calculate" if widget.content_type == "calculator" else "Submit"
    kind, tracking = _e(widget.content_type), _e(widget.tracking_id)
    return (
        f'<form class="blogster-{kind}" id="{tracking}" aria-labelledby="{tracking}-title">'
        f'<h3 id="{tracking}-title">{_e(widget.title)}</h3>{_fields(widget)}'
        f'<button type="submit">{button}</button> <output aria-live="polite"></output></form>'
        f"{_script(widget)}<noscript><p>This {kind} needs JavaScript.</p></noscript>"
    )


def stored_structure(content_type: str, text: str | None) -> dict[str, Any]:
    """A stored structure's JSON text (`stored_json.decoded`) checked as a save checks it, or StructureError."""
    try:
        structure = decoded(text)
    except UnreadableJson as exc:
        raise StructureError(str(exc)) from None
    return validated(content_type, structure)


def embedded(
    stored: Iterable[tuple[str, str, str, str | None]], bodies: Iterable[str]
) -> tuple[dict[tuple[str, str], Widget], list[str]]:
    """The widgets the short codes in `bodies` name, from `stored` (content type, tracking id, title,
    structure as JSON text) rows, each structure checked as a save checks it: a row written by raw SQL
    past that check (no question, a default of markup, a number or nesting Python cannot read) is left
    out, its short code shown as text, with a line saying why."""
    named = {(match.group(1), match.group(2)) for body in bodies for match in SHORTCODE.finditer(body)}
    widgets, left_out = {}, []
    for kind, tracking, title, structure in stored:
        if (kind, tracking) in named:
            try:
                widgets[(kind, tracking)] = Widget(kind, tracking, title, stored_structure(kind, structure))
            except StructureError as exc:
                left_out.append(
                    f"the {kind} {tracking!r} is left out of your posts (its short code shows as text):"
                    f" its stored structure is not valid: {exc}"
                    f" (`blogster interactive edit {tracking} --structure FILE` saves a checked one,"
                    " `blogster site build --full` then shows it)"
                )
    return widgets, left_out


def expand_shortcodes(body_html: str, widgets: dict[tuple[str, str], Widget]) -> str:
    """Each {{< TYPE tracking-id >}} in a rendered post replaced by its widget; unknown ones stay as text."""

    def replace(match: re.Match[str]) -> str:
        widget = widgets.get((match.group(1), match.group(2)))
        return render_widget(widget) if widget else match.group(0)

    return SHORTCODE.sub(replace, body_html)
