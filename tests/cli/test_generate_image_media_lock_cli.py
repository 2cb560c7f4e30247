"""`generate image` holds the media folder's lock from storing the picture until its row is
committed, as `images add` does: a clearing of a killed add's leftovers (`images add`'s
`media_files.clear_unfinished`) running meanwhile saw no committed row name the picture, and
unlinked it under the row about to be committed."""

from blogster_cli.content.images import content_hash_name
from blogster_cli.repositories import generation as generation_rows
from blogster_cli.repositories import images as image_rows
from blogster_cli.services import media_files
from tests.ai_server import PNG


def test_a_generated_image_keeps_its_file_when_a_clearing_runs_before_its_commit(
    cli, signed_up, ai_env, isolated_environment, monkeypatch
):
    slug = cli("blogs", "new", "--title", "Crusty loaves", "--json").json()["slug"]
    name = content_hash_name(PNG)
    media = isolated_environment / "media"
    (media / media_files.ADDING).mkdir(parents=True)
    (media / name).write_bytes(PNG)  # a killed add stored the same picture for a row it never committed
    (media / media_files.ADDING / f"{name}.999999999-00000000").write_bytes(b"")
    cleared: list[bool] = []
    real_insert_log, real_in_use = generation_rows.insert_log, image_rows.path_in_use

    def cleared_first(*args, **kwargs):  # in the unit of work storing the image's row, before its commit
        monkeypatch.setattr(image_rows, "path_in_use", lambda conn, *, path: False)  # as another session sees it
        try:
            media_files.clear_unfinished(None)
        finally:
            monkeypatch.setattr(image_rows, "path_in_use", real_in_use)
        cleared.append(True)
        return real_insert_log(*args, **kwargs)

    monkeypatch.setattr(generation_rows, "insert_log", cleared_first)
    result = cli("generate", "image", slug, "--prompt", "a crusty loaf", "--model", "gpt-image-1", "--json")
    assert result.exit_code == 0, result.stderr
    assert cleared and (media / name).read_bytes() == PNG
    [image] = cli("images", "list", "--json").json()
    assert image["path"] == name
