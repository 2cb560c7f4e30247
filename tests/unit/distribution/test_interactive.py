"""Interactive content without a database: structures checked, widgets rendered, logs counted."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import html5lib
import pytest

from blogster_cli.distribution import interactive
from blogster_cli.distribution.interactive import StructureError, Widget

QUIZ = {"questions": [{"text": "Which shell?", "options": ["bash", "zsh"], "answer": 1, "extra": "dropped"}]}
CALCULATOR = {
    "inputs": [{"name": "price", "label": "Price", "default": 10}, {"name": "qty", "label": "Quantity"}],
    "formula": "price * qty * (1 + 0.2)",
    "result_label": "Total",
}


def test_valid_structures_are_kept_without_unknown_keys():
    assert interactive.validated("quiz", QUIZ) == {
        "questions": [{"text": "Which shell?", "options": ["bash", "zsh"], "answer": 1}]
    }
    assert interactive.validated("poll", {"question": "Tabs?", "options": ["yes", "no"]})["options"] == ["yes", "no"]
    survey = {
        "questions": [
            {"text": "Why?"},
            {"text": "Rate", "kind": "scale"},
            {"text": "Pick", "kind": "choice", "options": ["a", "b"]},
        ]
    }
    assert [q["kind"] for q in interactive.validated("survey", survey)["questions"]] == ["text", "scale", "choice"]
    assert interactive.validated("calculator", CALCULATOR)["inputs"][1]["default"] == 0


@pytest.mark.parametrize(
    ("kind", "structure", "message"),
    [
        ("quiz", {"questions": []}, "1-50 entries"),
        ("quiz", {"questions": [{"text": "Q", "options": ["a", "b"], "answer": 2}]}, "index of one of its options"),
        ("quiz", {"questions": [{"text": "Q", "options": ["a"], "answer": 0}]}, "2-20 options"),
        ("poll", {"question": "", "options": ["a", "b"]}, "question must be text"),
        ("survey", {"questions": [{"text": "Q", "kind": "essay"}]}, "kind must be one of"),
        ("calculator", {**CALCULATOR, "formula": "price * tax"}, "'tax', which is not one of the inputs"),
        ("calculator", {**CALCULATOR, "formula": "__import__('os').system('x')"}, "numbers, the inputs"),
        ("calculator", {**CALCULATOR, "formula": "price.__class__"}, "numbers, the inputs"),
        ("calculator", {**CALCULATOR, "formula": "'a' + price"}, "numbers, the inputs"),
        ("calculator", {**CALCULATOR, "inputs": [{"name": "Bad Name", "label": "x"}]}, "lowercase identifier"),
        ("poll", ["not", "an", "object"], "JSON object"),
    ],
)
def test_invalid_structures_say_what_is_wrong(kind, structure, message):
    with pytest.raises(StructureError, match=message):
        interactive.validated(kind, structure)


def test_the_formula_becomes_arithmetic_over_the_inputs_only():
    assert interactive.formula_js("-price * qty ** 2 % 3", {"price", "qty"}) == "(((-v.price) * (v.qty ** 2)) % 3)"


def test_widgets_are_accessible_self_contained_html():
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for kind, structure in (
        ("quiz", QUIZ),
        ("calculator", CALCULATOR),
        ("poll", {"question": "Q<b>", "options": ["a", "b"]}),
    ):
        widget = Widget(kind, "my-" + kind, "Title <script>", interactive.validated(kind, structure))
        rendered = interactive.render_widget(widget)
        fragment = parser.parseFragment(rendered)
        form = fragment.find("form")
        assert form.get("aria-labelledby") == f"my-{kind}-title" and form.find(".//output").get("aria-live") == "polite"
        assert "<script>alert" not in rendered and "Title &lt;script&gt;" in rendered
        assert f'"/_i/my-{kind}/"' in rendered and "src=" not in rendered.split("<script>")[0]
        if kind != "calculator":
            assert form.find(".//fieldset/legend") is not None
        else:
            assert [label.get("for") for label in form.findall(".//label")] == [
                "my-calculator-price",
                "my-calculator-qty",
            ]
            assert "((v.price * v.qty) * (1 + 0.2))" in rendered


def test_text_in_the_widgets_script_cannot_end_the_script():
    """The calculator's result label (and any other value) goes into an inline <script> as JSON:
    "</script><script>..." there would end the script and run the next one on the built site."""
    hostile = "</script><script>alert(5)</script><!--"
    structure = {**CALCULATOR, "result_label": hostile}
    rendered = interactive.render_widget(
        Widget("calculator", "calc", "Calc", interactive.validated("calculator", structure))
    )
    script = rendered[rendered.index("<script>") :]
    assert script.count("<script>") == 1 and script.count("</script>") == 1 and "<!--" not in script
    assert (
        json.loads(re.search(r"o.textContent=(\"[^\"]*\")", script).group(1)) == hostile
    )  # the same text, shown as text


def test_short_codes_are_replaced_in_rendered_posts_and_unknown_ones_stay():
    widget = Widget("poll", "favourite-shell", "Shells", {"question": "Which?", "options": ["bash", "zsh"]})
    body = "<p>Intro.</p>\n<p>{{&lt; poll favourite-shell &gt;}}</p>\n<p>{{&lt; quiz unknown &gt;}}</p>"
    expanded = interactive.expand_shortcodes(body, {("poll", "favourite-shell"): widget})
    assert expanded.startswith("<p>Intro.</p>\n<form") and "{{&lt; quiz unknown &gt;}}" in expanded
    assert "<p><form" not in expanded


def test_the_widgets_requests_are_the_ones_analytics_counts_as_starts_and_completions():
    """The script's URLs and analytics.paths.beacon agree: a widget's requests are counted, never page views."""
    from blogster_cli.analytics.paths import beacon, is_tracking

    widget = Widget("poll", "favourite-shell", "Shells", {"question": "Which?", "options": ["bash", "zsh"]})
    prefix = json.loads(re.search(r"new Image\(\)\.src=(\"[^\"]+\")", interactive.render_widget(widget)).group(1))
    for kind in ("start", "complete"):
        assert beacon(prefix + kind) == ("favourite-shell", kind) and is_tracking(prefix + kind)


def test_every_value_the_widgets_html_holds_is_escaped():
    """Behind the check the build makes (`embedded`): a structure that never passed it (a row written
    by raw SQL) wrote a calculator's default and input name into the page as they were, so
    '1"><img src=x onerror=...>' ended the attribute and added an element. Every value is escaped:
    the page holds it as text or as the attribute's value, never as markup."""
    hostile = '1"><img src=x onerror=alert(2)>'
    choice = {"text": hostile, "options": [hostile, hostile]}
    widgets = [
        Widget(
            "calculator", "calc" + hostile, hostile,
            {"inputs": [{"name": "n" + hostile, "label": hostile, "default": hostile}], "formula": "1", "result_label": hostile},
        ),
        Widget("poll", "poll" + hostile, hostile, {"question": hostile, "options": [hostile, hostile]}),
        Widget("quiz", "quiz" + hostile, hostile, {"questions": [{**choice, "answer": 0}]}),
        Widget(
            "survey", "survey" + hostile, hostile,
            {"questions": [{"text": hostile, "kind": "text"}, {**choice, "kind": "choice"}, {"text": hostile, "kind": "scale"}]},
        ),
    ]  # fmt: skip
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for widget in widgets:
        rendered = interactive.render_widget(widget)
        fragment = parser.parseFragment(rendered)
        assert fragment.find(".//img") is None and "<img" not in rendered
        form = fragment.find("form")
        assert form.get("id") == widget.tracking_id and form.find("h3").text == hostile
        fields = form.findall(".//input") + form.findall(".//textarea")
        if widget.content_type == "calculator":
            [field] = fields
            assert (field.get("name"), field.get("value")) == ("n" + hostile, hostile)
            assert form.find(".//label").get("for") == field.get("id") == f"calc{hostile}-n{hostile}"
        else:
            assert {field.get("name") for field in fields} <= {f"{widget.tracking_id}-q{i}" for i in range(3)}


def test_only_the_widgets_the_posts_name_are_checked_and_a_failing_one_is_left_out_with_a_line():
    """A structure the database took without the check (its default '{}', a default of markup) stopped
    the build with a KeyError, or reached the page: it is left out, its short code shown as text."""
    structures = [
        ("poll", "empty", "Empty", {}),
        ("calculator", "calc", "Calc", {**CALCULATOR, "inputs": [{"name": "price", "label": "P", "default": '1">'}]}),
        ("poll", "fine", "Fine", {"question": " Tabs? ", "options": ["yes", "no"], "extra": 1}),
        ("quiz", "unused", "Unused", {}),
    ]
    stored = [(kind, tracking, title, json.dumps(structure)) for kind, tracking, title, structure in structures]
    body = "<p>{{&lt; poll empty &gt;}}</p><p>{{&lt; calculator calc &gt;}}</p><p>{{&lt; poll fine &gt;}}</p>"
    widgets, left_out = interactive.embedded(stored, [body])
    assert list(widgets) == [("poll", "fine")] and widgets[("poll", "fine")].structure == {
        "question": "Tabs?",
        "options": ["yes", "no"],
    }
    assert [line.split(":")[0] for line in left_out] == [
        "the poll 'empty' is left out of your posts (its short code shows as text)",
        "the calculator 'calc' is left out of your posts (its short code shows as text)",
    ]
    assert "question must be text" in left_out[0] and "inputs[0].default must be a number" in left_out[1]
    expanded = interactive.expand_shortcodes(body, widgets)
    assert "{{&lt; poll empty &gt;}}" in expanded and "{{&lt; calculator calc &gt;}}" in expanded
    assert '<form class="blogster-poll" id="fine"' in expanded


def test_a_stored_structure_python_cannot_read_is_left_out_with_a_line_saying_why():
    """Red team 43b F1: JSON PostgreSQL stores but Python refuses (read by psycopg, it ended the build's
    query); the build reads it as text (None past stored_json.MAX_BYTES) and leaves out each such widget."""
    stored = [
        ("poll", "digits", "D", '{"question": "Q?", "options": ["a", "b"], "n": ' + "9" * 5000 + "}"),
        ("poll", "nesting", "N", '{"question": "Q?", "options": ["a", "b"], "n": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("poll", "large", "L", None),
    ]
    body = "".join(f"<p>{{{{&lt; poll {tracking} &gt;}}}}</p>" for _, tracking, _, _ in stored)
    widgets, left_out = interactive.embedded(stored, [body])
    assert widgets == {} and len(left_out) == 3
    assert "poll 'digits'" in left_out[0] and left_out[0].endswith(
        "not valid: it holds a number of more than 4,300 digits"
        " (`blogster interactive edit digits --structure FILE` saves a checked one, `blogster site build --full` then shows it)"
    )
    assert "poll 'nesting'" in left_out[1] and "not valid: it nests too deeply" in left_out[1]
    assert "poll 'large'" in left_out[2] and "not valid: it is longer than 4 MB" in left_out[2]


# A form's controls in the browser's way, for the widget's script run by Node: `elements[NAME]` is
# the control so named unless the collection or Object.prototype has a property of that name
# (`length`, `item`, `constructor`, `__proto__`: the named property is then hidden), and
# `namedItem(NAME)` is the control whatever its name.
_BROWSER = """
const script = require("fs").readFileSync(0, "utf8"), values = JSON.parse(process.argv[1]);
const controls = Object.create({
  get length() { return Object.keys(values).length; },
  item(i) { return null; },
  namedItem(name) { return Object.prototype.hasOwnProperty.call(values, name) ? { value: values[name] } : null; },
});
const elements = new Proxy(controls, {
  get(target, key) {
    if (key in target) return target[key];
    return Object.prototype.hasOwnProperty.call(values, key) ? { value: values[key] } : undefined;
  },
});
const output = { textContent: "" }, handlers = {};
const form = { id: "calc", elements, querySelector: () => output, addEventListener: (kind, f) => { handlers[kind] = f; } };
globalThis.document = { currentScript: { previousElementSibling: form } };
globalThis.Image = function () {};
new Function(script)();
handlers.submit({ preventDefault() {} });
process.stdout.write(output.textContent);
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="runs the widget's script in Node")
@pytest.mark.parametrize("name", ["__proto__", "constructor", "length", "item", "tostring", "price"])
def test_a_calculator_computes_with_inputs_named_as_javascript_properties(name):
    """A calculator whose input was named `__proto__` showed "-" for any values: the script kept the
    values in a plain object, where `__proto__` is no property of its own, and read the inputs as
    `elements[NAME]`, where `length` and `item` are the collection's own. Every name the save takes
    now computes."""
    structure = {"inputs": [{"name": name, "label": "A"}, {"name": "b", "label": "B"}], "formula": f"{name} * b + 1"}
    widget = Widget("calculator", "calc", "Calc", interactive.validated("calculator", structure))
    rendered = interactive.render_widget(widget)
    script = rendered[rendered.index("<script>") + len("<script>") : rendered.index("</script>")]
    shown = subprocess.run(
        ["node", "-e", _BROWSER, json.dumps({name: "6", "b": "7"})],
        input=script, capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    assert shown == "Result: 43"
