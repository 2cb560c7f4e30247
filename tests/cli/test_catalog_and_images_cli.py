"""Personas, templates and images from the command line, including who may change what."""

import json
import struct
import zlib

from tests.cli.conftest import PASSWORD


def png_bytes(width=2, height=2):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def signup_bob(cli):
    result = cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr


def test_templates_are_seeded_and_scaffold_a_post_for_a_persona(cli, signed_up, tmp_path):
    names = [t["name"] for t in cli("templates", "list", "--json").json()]
    assert len(names) >= 6
    how_to = cli("templates", "show", "how-to", "--json").json()
    assert all({"type", "heading", "placeholder", "target_words"} <= set(s) for s in how_to["structure"])
    personas = cli("personas", "list", "--json").json()
    assert sum(p["template"] for p in personas) >= 6
    developer = next(p for p in personas if p["template"])
    created = cli("blogs", "new", "Brew coffee", "--template", "how-to", "--persona", developer["name"], "--json")
    assert created.exit_code == 0, created.stderr
    body = cli("blogs", "show", "brew-coffee", "--raw").stdout
    headings = [line[3:] for line in body.splitlines() if line.startswith("## ")]
    assert headings == [s["heading"] for s in how_to["structure"]]
    assert developer["name"] in body
    assert cli("blogs", "list", "--persona", developer["name"], "--format", "count").stdout.strip() == "1"
    # The placeholders are HTML comments: an untouched scaffold counts as its headings alone.
    only_headings = tmp_path / "headings.md"
    only_headings.write_text("".join(f"## {heading}\n\n" for heading in headings), encoding="utf-8")
    assert cli("blogs", "new", "Headings", "--from", str(only_headings)).exit_code == 0
    counts = {row["slug"]: row["word_count"] for row in cli("blogs", "list", "--json").json()}
    assert counts["brew-coffee"] == counts["headings"] > 0


def test_writers_copy_template_personas_but_cannot_change_them(cli, signed_up):
    signup_bob(cli)  # bob is not an admin
    template = next(p for p in cli("personas", "list", "--json").json() if p["template"])
    assert cli("personas", "edit", template["name"], "--goals", "hijacked").exit_code == 4
    assert cli("personas", "delete", template["name"]).exit_code == 4
    assert cli("personas", "create", "Fake template", "--template").exit_code == 4
    copied = cli("personas", "copy", template["name"], "--name", "My readers", "--json")
    assert copied.exit_code == 0, copied.stderr
    assert copied.json()["template"] is False and copied.json()["goals"] == template["goals"]
    assert cli("personas", "edit", "My readers", "--goals", "learn,ship", "--json").json()["goals"] == ["learn", "ship"]
    assert cli("personas", "delete", "My readers").exit_code == 0
    unchanged = cli("personas", "show", template["id"], "--json").json()
    assert unchanged["goals"] == template["goals"]


def test_personas_of_others_are_invisible(cli, signed_up):
    cli("personas", "create", "Ada's private audience", "--interests", "a,b")
    signup_bob(cli)
    names = [p["name"] for p in cli("personas", "list", "--json").json()]
    assert "Ada's private audience" not in names
    assert cli("personas", "show", "Ada's private audience").exit_code == 3


def test_only_admins_save_system_templates(cli, signed_up, tmp_path):
    sections = tmp_path / "sections.json"
    sections.write_text(json.dumps([{"type": "intro", "heading": "Why", "placeholder": "Say why", "target_words": 80}]))
    assert cli("templates", "save", "Release notes", str(sections)).exit_code == 0
    assert cli("templates", "show", "Release notes", "--json").json()["structure"][0]["heading"] == "Why"
    bad = tmp_path / "bad.json"
    bad.write_text('[{"heading": "no type"}]')
    assert cli("templates", "save", "Broken", str(bad)).exit_code == 2
    signup_bob(cli)
    assert cli("templates", "save", "Bobs", str(sections)).exit_code == 4


def test_images_are_stored_by_content_hash_and_attached(cli, signed_up, tmp_path, isolated_environment):
    cli("blogs", "new", "With pictures")
    picture = tmp_path / "shot.png"
    picture.write_bytes(png_bytes())
    added = cli("images", "add", "with-pictures", str(picture), "--featured", "--alt", "red", "--json")
    assert added.exit_code == 0, added.stderr
    image = added.json()
    assert image["file_type"] == "image/png" and image["size"] == len(png_bytes()) and image["alt_text"] == "red"
    stored = isolated_environment / "media" / image["path"]
    assert stored.read_bytes() == png_bytes()
    assert cli("blogs", "show", "with-pictures", "--json").json()  # still readable
    not_image = tmp_path / "notes.txt"
    not_image.write_text("hello")
    assert cli("images", "add", "with-pictures", str(not_image)).exit_code == 2
    assert [i["id"] for i in cli("images", "list", "with-pictures", "--json").json()] == [image["id"]]
    signup_bob(cli)
    assert cli("images", "rm", image["id"]).exit_code == 3
    assert cli("images", "add", "with-pictures", str(picture)).exit_code == 3
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("images", "rm", image["id"]).exit_code == 0
    assert not stored.exists()


def test_images_add_prints_markdown_reuses_the_row_and_list_shows_the_post(cli, signed_up, tmp_path):
    cli("blogs", "new", "With pictures")
    picture = tmp_path / "shot.png"
    picture.write_bytes(png_bytes())
    first = cli("images", "add", "with-pictures", str(picture), "--alt", "A red dot")
    assert first.exit_code == 0, first.stderr
    [markdown] = first.stdout.splitlines()
    assert markdown.startswith("![A red dot](media/") and markdown.endswith(".png)")
    again = cli("images", "add", "with-pictures", str(picture), "--json")
    assert again.exit_code == 0, again.stderr
    listed = cli("images", "list", "--json").json()
    assert [row["id"] for row in listed] == [again.json()["id"]]
    assert listed[0]["post"] == "with-pictures"
    assert "with-pictures" in cli("images", "list").stdout
    assert "already attached" in again.stderr or again.json()["alt_text"] == "A red dot"


def test_images_rm_takes_several_ids_or_their_first_characters_all_or_none(
    cli, signed_up, tmp_path, isolated_environment
):
    cli("blogs", "new", "With pictures")
    added = []
    for size in (2, 3):
        picture = tmp_path / f"shot{size}.png"
        picture.write_bytes(png_bytes(size, size))
        added.append(cli("images", "add", "with-pictures", str(picture), "--json").json())
    first, second = (image["id"] for image in added)
    unknown = "0000" if not first.startswith("0000") and not second.startswith("0000") else "ffff"
    refused = cli("images", "rm", first[:8], unknown)
    assert refused.exit_code == 3 and f"no image with id starting '{unknown}'" in refused.stderr
    assert cli("images", "rm", first[:3]).exit_code == 2  # too short
    assert len(cli("images", "list", "--json").json()) == 2  # all or none: nothing went
    ids = cli("images", "list", "with-pictures", "--format", "ids").stdout.split()
    removed = cli("images", "rm", first[:8].upper(), *ids, "--json")  # the help's example, and a prefix
    assert removed.exit_code == 0, removed.stderr
    assert sorted(image["id"] for image in removed.json()) == sorted([first, second])
    assert cli("images", "list", "--json").json() == []
    assert not any((isolated_environment / "media" / image["path"]).exists() for image in added)


def test_template_personas_change_only_when_an_admin_says_template(cli, signed_up):
    """ada is the first account, an administrator: a plain edit or rm of a template is refused
    for her too, as for everyone, so `personas rm NAME` never deletes one for every account."""
    template = next(p for p in cli("personas", "list", "--json").json() if p["template"])
    edited = cli("personas", "edit", template["name"], "--occupation", "x")
    assert edited.exit_code == 4 and "personas copy" in edited.stderr
    removed = cli("personas", "rm", template["name"])
    assert removed.exit_code == 4 and "--template" in removed.stderr
    assert len(removed.stderr.strip().splitlines()) == 1
    assert cli("personas", "show", template["id"], "--json").json() == template
    # --template: the explicit way; deleting one for every account asks first (--yes off a terminal).
    changed = cli("personas", "edit", template["name"], "--template", "--occupation", "Engineer", "--json")
    assert changed.exit_code == 0, changed.stderr
    assert changed.json()["occupation"] == "Engineer" and changed.json()["template"] is True
    unasked = cli("personas", "rm", template["name"], "--template")
    assert unasked.exit_code == 2 and "use --yes" in unasked.stderr
    cli("personas", "create", "Gardeners")
    assert cli("personas", "rm", "Gardeners", "--template", "--yes").exit_code == 3  # not a template
    signup_bob(cli)  # not an administrator
    for args in (("edit", template["name"], "--template", "--goals", "x"), ("rm", template["name"], "--template")):
        denied = cli("personas", *args)
        assert denied.exit_code == 4 and "administrator" in denied.stderr
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("personas", "rm", "Gardeners").exit_code == 0  # my own: no question, as `posts rm`
    assert cli("personas", "rm", template["name"], "--template", "--yes").exit_code == 0
    assert cli("personas", "show", template["id"]).exit_code == 3


def test_a_refused_images_add_stores_no_file(cli, signed_up, tmp_path, isolated_environment):
    """A post that does not exist, or another account's, is refused before the picture is stored:
    no file is left in media/ that no row names (`account delete` would never remove it)."""
    cli("blogs", "new", "Ada post")
    picture = tmp_path / "shot.png"
    picture.write_bytes(png_bytes(5, 5))
    media = isolated_environment / "media"
    before = sorted(media.iterdir()) if media.exists() else []
    assert cli("images", "add", "no-such-post", str(picture)).exit_code == 3
    signup_bob(cli)
    assert cli("images", "add", "ada-post", str(picture)).exit_code == 3
    after = [path for path in sorted(media.iterdir()) if path.name != ".adding"] if media.exists() else []
    assert after == before
    assert not list((media / ".adding").glob("*"))


def test_images_add_clears_what_a_killed_add_stored_for_no_row(cli, signed_up, tmp_path, isolated_environment):
    """A kill between storing the file and committing its row leaves the file's marker: the next
    add removes the file when no row names it and keeps it when one does, whatever process now
    has the marker's pid (pid 1 here: a reused pid kept the file for ever, red team 73 F5); it
    leaves them all while another add is between its marker and its commit (holds the lock)."""
    import fcntl
    import os
    import subprocess
    import sys

    from blogster_cli.content.images import content_hash_name

    cli("blogs", "new", "Ada post")
    kept = tmp_path / "kept.png"
    kept.write_bytes(png_bytes(3, 3))
    kept_name = cli("images", "add", "ada-post", str(kept), "--json").json()["path"]
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    media = isolated_environment / "media"
    orphan, reused = content_hash_name(png_bytes(6, 6)), content_hash_name(png_bytes(7, 7))
    (media / orphan).write_bytes(png_bytes(6, 6))
    (media / reused).write_bytes(png_bytes(7, 7))
    adding = media / ".adding"
    assert not adding.exists()  # it goes with its last marker: media/ holds stored files only
    adding.mkdir()
    markers = [adding / f"{orphan}.{dead_pid}", adding / f"{kept_name}.{dead_pid}", adding / f"{reused}.1"]
    for marker in markers:
        marker.write_bytes(b"")
    other = tmp_path / "other.png"
    other.write_bytes(png_bytes(4, 4))
    adding_now = os.open(media, os.O_RDONLY | os.O_DIRECTORY)  # as an add between its marker and its commit
    try:
        fcntl.flock(adding_now, fcntl.LOCK_SH)
        assert cli("images", "add", "ada-post", str(other)).exit_code == 0
        assert sorted(adding.iterdir()) == sorted(markers) and (media / orphan).exists()
    finally:
        os.close(adding_now)
    assert cli("images", "add", "ada-post", str(other)).exit_code == 0
    assert not (media / orphan).exists() and (media / kept_name).exists() and not (media / reused).exists()
    assert not adding.exists()


def test_clearing_never_removes_a_file_an_add_is_storing(isolated_environment, monkeypatch):
    """The clearing checked that no row names X, then another add marked X, found the file there,
    committed its row; then the clearing unlinked X (red team 73 F2). The add now waits for the
    clearing to finish, and stores X again."""
    import threading

    from blogster_cli.content.images import content_hash_name
    from blogster_cli.repositories import images as image_rows
    from blogster_cli.services import media_files

    data = png_bytes(8, 8)
    name = content_hash_name(data)
    media = isolated_environment / "media"
    (media / ".adding").mkdir(parents=True)
    (media / name).write_bytes(data)
    (media / ".adding" / f"{name}.999999999").write_bytes(b"")  # a killed add's (no such pid)
    stored_by_add = threading.Event()
    adder: list[threading.Thread] = []

    def add_meanwhile() -> None:
        media_files.row_committed(media_files.store_for_row(data, name))  # its row committed
        stored_by_add.set()

    def checked_then_descheduled(conn, *, path):
        adder.append(threading.Thread(target=add_meanwhile))
        adder[0].start()
        stored_by_add.wait(timeout=2)  # it cannot store while the clearing runs
        return False  # as seen before the add's commit

    monkeypatch.setattr(image_rows, "path_in_use", checked_then_descheduled)
    media_files.clear_unfinished(None)
    adder[0].join(timeout=10)
    assert stored_by_add.is_set() and (media / name).read_bytes() == data


def test_doctor_lists_what_killed_adds_left_until_the_next_add_clears_it(
    cli, signed_up, tmp_path, isolated_environment
):
    """A killed `images add` leaves its marker (and maybe a picture no row names): doctor warns of
    them, naming the pictures, and says the next add clears them; after it, nothing is listed."""
    import fcntl
    import os

    from blogster_cli.content.images import content_hash_name

    def leftovers():
        result = cli("doctor", "--json")
        assert result.exit_code in (0, 1), result.stderr
        checks = {check["name"]: check for check in result.json()}
        return checks.get("media leftovers")

    cli("blogs", "new", "Ada post")
    assert leftovers() is None
    media = isolated_environment / "media"
    names = sorted(content_hash_name(png_bytes(size, size)) for size in (6, 7))
    (media / ".adding").mkdir(parents=True)
    for number, name in enumerate(names):
        (media / name).write_bytes(png_bytes(6 + number, 6 + number))
        (media / ".adding" / f"{name}.999999999-0000000{number}").write_bytes(b"")
    left = leftovers()
    assert left["status"] == "warn" and "2 pictures" in left["detail"] and all(name in left["detail"] for name in names)
    assert "the next `images add` removes" in left["detail"] and "storing pictures now" not in left["detail"]
    writing = os.open(media, os.O_RDONLY | os.O_DIRECTORY)  # a writer between its store and its commit
    try:
        fcntl.flock(writing, fcntl.LOCK_SH)
        assert "storing pictures now may own some" in leftovers()["detail"]
    finally:
        os.close(writing)
    picture = tmp_path / "shot.png"
    picture.write_bytes(png_bytes(3, 3))
    assert cli("images", "add", "ada-post", str(picture)).exit_code == 0
    assert leftovers() is None and not any((media / name).exists() for name in names)
