"""Personas (audiences) and blog templates (layouts).

Template personas and templates are shared and read-only for writers (RLS enforces it); a
writer copies a template persona to get an editable one. Admins maintain the shared ones, a
template persona only when they say so (`template=True`), a template shipped with Blogster
(is_system) only with `replace_shipped`: changing or deleting one changes it for every account.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from blogster_cli.actors import ActingUser, require_admin
from blogster_cli.content.rules import check_template_name
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from blogster_cli.repositories import activities, catalog
from blogster_cli.repositories.catalog import PERSONA_FIELDS, PersonaRow, TemplateRow
from blogster_cli.vocabulary import ActivityType
from blogster_cli.wording import plural

LIST_FIELDS = ("interests", "pain_points", "goals")
_AGE_RANGE = re.compile(r"(\d{1,3})\s*-\s*(\d{1,3})|(\d{1,3})\s*\+")
OLDEST_AGE = 130


def _persona(conn: Connection, ref: str, *, template: bool = False) -> PersonaRow:
    persona = catalog.find_persona(conn, ref=ref, template_only=template)
    if persona is None:
        raise NotFound(f"no {'template ' if template else ''}persona {ref!r}")
    return persona


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PERSONA_FIELDS)
    if unknown:
        raise InvalidInput(f"{plural(len(unknown), 'unknown persona field')}: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key in LIST_FIELDS:
            items = value if isinstance(value, list) else str(value).split(",")
            cleaned[key] = [str(i).strip() for i in items if str(i).strip()]
        else:
            cleaned[key] = (str(value).strip() or None) if value is not None else None
    if "name" in cleaned and not cleaned["name"]:
        raise InvalidInput("a persona needs a name")
    if cleaned.get("age_range"):
        cleaned["age_range"] = age_range(cleaned["age_range"])
    return cleaned


def age_range(text: str) -> str:
    """'18-99' (youngest first) or '65+', tidied; anything else is refused."""
    match = _AGE_RANGE.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(f"an age range is N-M or N+ (like 18-99 or 65+), not {text!r}")
    if match.group(3) is not None:
        return f"{int(match.group(3))}+"
    youngest, oldest = int(match.group(1)), int(match.group(2))
    if not youngest <= oldest <= OLDEST_AGE:
        raise InvalidInput(f"an age range goes from the younger to the older age, up to {OLDEST_AGE}: not {text!r}")
    return f"{youngest}-{oldest}"


def copy_name(name: str, taken: set[str]) -> str:
    """'NAME (copy)', then 'NAME (copy 2)', ...: the first that none of `taken` (lower-cased) holds."""
    candidate, number = f"{name} (copy)", 2
    while candidate.lower() in taken:
        candidate, number = f"{name} (copy {number})", number + 1
    return candidate


def list_personas(acting: ActingUser) -> list[PersonaRow]:
    with unit_of_work(acting) as conn:
        return catalog.list_personas(conn)


def get_persona(acting: ActingUser, *, ref: str, template: bool = False) -> PersonaRow:
    """Mine or a template persona (mine first); `template`: a template persona only."""
    with unit_of_work(acting) as conn:
        return _persona(conn, ref, template=template)


def create_persona(acting: ActingUser, *, values: dict[str, Any], template: bool = False) -> PersonaRow:
    if template:
        require_admin(acting)
    values = _clean(values)
    if not values.get("name"):
        raise InvalidInput("a persona needs a name")
    with unit_of_work(acting) as conn:
        persona_id = catalog.insert_persona(conn, values=values, template=template)
        activities.record(
            conn, type=ActivityType.CREATED, title=values["name"], description=f"Created persona '{values['name']}'"
        )
        return _persona(conn, str(persona_id))


def _changeable(acting: ActingUser, conn: Connection, ref: str, *, template: bool) -> PersonaRow:
    """My persona `ref`, or with `template` (administrators only) the template persona `ref`.
    A template found without `template` is refused for administrators too: RLS lets them write
    templates, and a plain `personas rm NAME` must not delete one for every account."""
    if template:
        require_admin(acting)
    persona = _persona(conn, ref, template=template)
    if persona.template and not template:
        also = " (administrators change it for every account with --template)" if acting.actor.is_admin else ""
        raise PermissionDenied(
            f"'{persona.name}' is a shared template persona; copy it: blogster personas copy {shlex.quote(persona.name)}{also}"
        )
    return persona


def update_persona(acting: ActingUser, *, ref: str, values: dict[str, Any], template: bool = False) -> PersonaRow:
    """Changes my persona, or with `template` (administrators only) a template persona."""
    values = _clean(values)
    with unit_of_work(acting) as conn:
        persona = _changeable(acting, conn, ref, template=template)
        if values and not catalog.update_persona(conn, persona_id=persona.id, values=values):
            raise PermissionDenied(f"you cannot change '{persona.name}'")
        return _persona(conn, str(persona.id))


def delete_persona(acting: ActingUser, *, ref: str, template: bool = False) -> PersonaRow:
    """Deletes my persona, or with `template` (administrators only) a template persona."""
    with unit_of_work(acting) as conn:
        persona = _changeable(acting, conn, ref, template=template)
        if not catalog.delete_persona(conn, persona_id=persona.id):
            raise PermissionDenied(f"you cannot delete '{persona.name}'")
        return persona


def copy_persona(acting: ActingUser, *, ref: str, name: str | None = None) -> PersonaRow:
    """An editable copy (of a template persona, or of one of mine)."""
    with unit_of_work(acting) as conn:
        source = _persona(conn, ref)
        values = {f: getattr(source, f) for f in PERSONA_FIELDS}
        values["name"] = name or copy_name(source.name, catalog.my_persona_names(conn, prefix=source.name))
        persona_id: UUID = catalog.insert_persona(conn, values=values)
        activities.record(
            conn, type=ActivityType.CREATED, title=values["name"], description=f"Copied persona '{source.name}'",
            metadata={"copied_from": str(source.id)},
        )  # fmt: skip
        return _persona(conn, str(persona_id))


def list_templates(acting: ActingUser) -> list[TemplateRow]:
    with unit_of_work(acting) as conn:
        return catalog.list_templates(conn)


def get_template(acting: ActingUser, *, ref: str) -> TemplateRow:
    with unit_of_work(acting) as conn:
        template = catalog.find_template(conn, ref=ref)
    if template is None:
        raise NotFound(f"no template {ref!r}")
    return template


def check_structure(structure: Any) -> list[dict[str, Any]]:
    """A template structure: a list of sections with a type, heading, placeholder and target words."""
    if not isinstance(structure, list) or not structure:
        raise InvalidInput("a template structure is a non-empty list of sections")
    for index, section in enumerate(structure, 1):
        if not isinstance(section, dict) or not section.get("type") or not section.get("heading"):
            raise InvalidInput(f"section {index} needs at least a type and a heading")
        target = section.get("target_words")
        if target is not None and (not isinstance(target, int) or target < 0):
            raise InvalidInput(f"section {index}: target_words must be a whole number")
    return structure


@dataclass(frozen=True)
class SavedTemplate:
    template: TemplateRow
    created: bool
    """False: an existing template was changed."""


def save_template(
    acting: ActingUser,
    *,
    name: str,
    structure: Any | None = None,
    description: str | None = None,
    image_count: int | None = None,
    replace_shipped: bool = False,
) -> SavedTemplate:
    """Creates a template, or changes the one of that name (ignoring case): the fields given
    (a description of "" clears it), the others kept. Administrators only (templates are shared).

    A template shipped with Blogster (is_system) is changed for every account only with
    `replace_shipped`: saving under its name by mistake would otherwise replace it silently."""
    require_admin(acting)
    name = check_template_name(name)
    sections = None if structure is None else check_structure(structure)
    with unit_of_work(acting) as conn:
        existing = catalog.find_template_named(conn, name=name)
        if existing is None:
            if sections is None:
                raise InvalidInput(f"no template {name!r} yet: a new one needs its sections (a JSON file)")
            template_id = catalog.insert_template(
                conn, name=name, description=description or None, structure=sections, image_count=image_count or 0
            )
        else:
            if existing.is_system and not replace_shipped:
                raise Conflict(
                    f"'{existing.name}' is a template shipped with Blogster: save yours under another name,"
                    " or add --replace to change the shipped one for every account"
                )
            values: dict[str, Any] = {
                key: value
                for key, value in (("structure", sections), ("description", description), ("image_count", image_count))
                if value is not None
            }
            if not values:
                raise InvalidInput("nothing to change: give a sections file, --description or --image-count")
            if values.get("description") == "":
                values["description"] = None  # "" clears it
            catalog.update_template(conn, template_id=existing.id, values=values)
            template_id = existing.id
        template = catalog.find_template(conn, ref=str(template_id))
        assert template is not None  # just written in this unit of work
        return SavedTemplate(template, created=existing is None)
