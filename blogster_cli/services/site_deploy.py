"""Publishing a built site: into a folder, over rsync (SSH), or as a commit on a git branch.

All three send the same files: everything in the build folder (the build's files, and any
other file put there, such as the `calendar.ics` of `calendar feed` or a CNAME) but
blogster's private files and partial files (`_site_files`), and only what changed. A folder
deploy compares those files (the build's by the hashes its manifest records, the others
hashed here) with what it sent to the destination last time: changed files are copied,
files no longer there are removed, and nothing else in the destination is touched. An
rsync deploy lets rsync send the files whose size or time differ (a rebuild leaves
unchanged files untouched, so their times match) and removes, by its record of the last
deploy there, the files no longer there; other files there are left alone too. A git
deploy commits the build folder as the next commit of the branch and pushes it, so git
transfers only new objects. None needs the database: they read what `site build` wrote.

The build's manifest is never sent (it lists unpublished details: post ids, descriptions,
hashes), nor any other `.blogster-*` file of the build folder (site_files.is_private). What
a folder or rsync deploy sent is recorded in the build folder instead (`DEPLOYS`, per
destination); a destination still holding a manifest an older version sent there has it
read once, as that record, and removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blogster_cli.errors import BlogsterError, ConfigError, InvalidInput
from blogster_cli.private_files import PARTIAL_SUFFIX, replace_whole
from blogster_cli.services.site_files import MANIFEST, PRIVATE_PREFIX, is_private

DEPLOYS = PRIVATE_PREFIX + "deploys.json"
"""In the build folder: destination -> {path: sha256} of the files the last deploy there sent."""


@dataclass(frozen=True)
class DeployReport:
    target: str
    copied: int
    removed: int
    unchanged: int
    commit: str | None = None


def _manifest_files(folder: Path) -> dict[str, str]:
    """Path -> sha256 of each file a build (or a deploy) recorded in `folder`."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:
        raise InvalidInput(f"{folder / MANIFEST} is damaged; build again with --full") from None
    return {path: entry[1] for path, entry in data.get("files", {}).items()}


def _built(out: Path) -> dict[str, str]:
    files = {path: sha for path, sha in _manifest_files(out).items() if not is_private(path)}
    if not files:
        raise InvalidInput(f"{out} holds no built site; run `blogster site build --out {out}` first")
    return files


def _site_files(out: Path) -> dict[str, str]:
    """Path -> sha256 of each file a deploy sends from `out`: the build's files, with the hashes
    its manifest records, and every other regular file in the folder, hashed here (rsync and git
    send those too). Private files and partials are left out, as are links and other
    non-regular files the build did not write (rsync skips them)."""
    files = _built(out)
    for folder, subfolders, names in os.walk(out):  # never into a linked folder
        relative = Path(folder).relative_to(out)
        subfolders[:] = sorted(name for name in subfolders if not is_private(str(relative / name)))
        for name in sorted(names):
            path = (relative / name).as_posix()
            if path in files or is_private(path) or name.endswith(PARTIAL_SUFFIX):
                continue
            if stat.S_ISREG(os.lstat(Path(folder) / name).st_mode):
                with open(_open_built(out, path), "rb") as source:
                    files[path] = hashlib.file_digest(source, "sha256").hexdigest()
    return files


def _deploy_records(out: Path) -> dict[str, Any]:
    """The build folder's record of deploys (destination -> what was sent); {} when none is readable."""
    try:
        data = json.loads((out / DEPLOYS).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _deployed(out: Path, key: str) -> dict[str, str] | None:
    """What the last deploy from `out` to the destination `key` sent; None when none is recorded."""
    sent = _deploy_records(out).get(key)
    return {str(path): str(sha) for path, sha in sent.items()} if isinstance(sent, dict) else None


def _record_deploy(out: Path, key: str, sent: dict[str, str]) -> None:
    data = {**_deploy_records(out), key: sent}
    replace_whole(out / DEPLOYS, json.dumps(data, sort_keys=True).encode("utf-8"))


def _inside(root: Path, relative: str) -> Path:
    normal = os.path.normpath(relative)
    if os.path.isabs(normal) or normal == ".." or normal.startswith("../"):
        raise InvalidInput(f"refusing a path outside the site: {relative}")
    return root / normal


def _open_built(out: Path, path: str) -> int:
    """A file descriptor of the built file `path` in `out`, which must be a regular file whose
    folder lies in `out`: a link there (`posts/a/index.html -> /secret`, or a folder leading out
    of `out`) is refused (InvalidInput), never followed into the web root."""
    source = _inside(out, path)
    refused = InvalidInput(f"refusing to deploy {source}: not a file the build wrote (a link, or not a regular file)")
    if not source.parent.resolve().is_relative_to(out.resolve()):
        raise refused
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidInput(f"{source} is missing; build again with --force") from None
    except OSError:  # ELOOP: a link
        raise refused from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise refused
    return fd


def to_folder(out: Path, destination: Path) -> DeployReport:
    """Copies the changed files of the build in `out` to `destination` and removes the ones gone."""
    built = _site_files(out)
    destination.mkdir(parents=True, exist_ok=True)
    if destination.resolve() == out.resolve():
        raise InvalidInput("the destination is the build folder itself")
    if destination.resolve().is_relative_to(out.resolve()):  # each deploy would send the last one again
        raise InvalidInput(f"the destination {destination} is inside the build folder {out}")
    key = f"folder:{destination.resolve()}"
    recorded = _deployed(out, key)
    legacy = destination / MANIFEST  # sent there by an older version: read once, then removed
    deployed = recorded if recorded is not None else _manifest_files(destination)
    changed = [
        path for path, sha in built.items() if not (deployed.get(path) == sha and _inside(destination, path).is_file())
    ]
    for path in changed:  # all checked before anything is copied
        os.close(_open_built(out, path))
    for path in changed:
        target = _inside(destination, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with open(_open_built(out, path), "rb") as source, open(partial, "wb") as copy:
            shutil.copyfileobj(source, copy)
        os.replace(partial, target)
    copied, unchanged = len(changed), len(built) - len(changed)
    removed = 0
    for path in sorted(set(deployed) - set(built)):
        if not is_private(path):
            _inside(destination, path).unlink(missing_ok=True)
            removed += 1
    _record_deploy(out, key, built)
    legacy.unlink(missing_ok=True)
    return DeployReport(target=str(destination), copied=copied, removed=removed, unchanged=unchanged)


def _rsync(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """rsync with paths passed as they are (`--protect-args`: no splitting on the remote side)."""
    command = ["rsync", "--protect-args", "--timeout=120", *args]
    environment = {**os.environ, "RSYNC_RSH": os.environ.get("RSYNC_RSH", "ssh -o BatchMode=yes")}
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=3600)
    except FileNotFoundError:
        raise ConfigError("rsync is not installed") from None
    if check and result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["failed"])[0]
        raise BlogsterError(f"rsync: {reason}")
    return result


# rsync's exit code when a file it was asked for does not exist (a first deploy's manifest).
_RSYNC_MISSING_FILE = 23


def _deletion_rules(gone: list[str]) -> str:
    """rsync filter rules that reach exactly the `gone` files (and the folders above them):
    synced from an empty tree with --delete, those files go and nothing else is touched.

    (--delete-missing-args would say it directly, but Debian's rsync 3.2.7-1+deb12u6
    refuses it: "invalid file mode 00".)
    """
    lines: list[str] = []
    folders: set[str] = set()
    for path in gone:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in folders:
                folders.add(folder)
                lines.append(f"+ /{_literal(folder)}/")
        lines.append(f"+ /{_literal(path)}")
    return "\n".join([*lines, "- *"]) + "\n"


def _literal(path: str) -> str:
    """A path as an rsync pattern matching only itself (escapes count once a wildcard is present)."""
    if not any(c in path for c in "*?["):
        return path
    return "".join("\\" + c if c in "*?[\\" else c for c in path)


def to_rsync(out: Path, target: str) -> DeployReport:
    """Sends the changed files of the build in `out` to `target` (`[user@]host:path` or a
    folder) and removes the files the previous deploy sent that the site no longer has."""
    if not target or target.startswith("-"):
        raise InvalidInput(f"{target!r} is not an rsync destination")
    built = _site_files(out)
    destination = target.rstrip("/") + "/"
    with tempfile.TemporaryDirectory(prefix="blogster-rsync-") as scratch:
        previous = Path(scratch) / "previous"
        previous.mkdir()
        key = f"rsync:{target}"
        deployed = _deployed(out, key)
        legacy = deployed is None  # no record: maybe the manifest an older version sent there
        if deployed is None:
            fetched = _rsync("--", destination + MANIFEST, str(previous) + "/", check=False)
            if fetched.returncode not in (0, _RSYNC_MISSING_FILE):
                reason = (fetched.stderr.strip().splitlines() or ["failed"])[0]
                raise BlogsterError(f"rsync: {reason}")
            legacy = fetched.returncode == 0
            deployed = _manifest_files(previous) if legacy else {}
        # One line per name sent (--info=nonreg0: no "skipping non-regular file" line for a link).
        sent = _rsync(
            "--recursive", "--times", "--info=nonreg0", "--out-format=%n",
            f"--exclude=/{PRIVATE_PREFIX}*", "--exclude=*.partial", "--", f"{out}/", destination,
        ).stdout.splitlines()  # fmt: skip
        copied = sum(1 for line in sent if line and not line.endswith("/"))
        gone = sorted(path for path in set(deployed) - set(built) if not is_private(path))
        removing = gone + ([MANIFEST] if legacy else [])
        if removing:
            rules = Path(scratch) / "gone.rules"
            rules.write_text(_deletion_rules(removing), encoding="utf-8")
            empty = Path(scratch) / "empty"  # holds the folders of the gone files, so only the files are missing
            for path in removing:
                _inside(empty, path).parent.mkdir(parents=True, exist_ok=True)
            _rsync("--recursive", "--existing", "--delete", f"--include-from={rules}", "--", f"{empty}/", destination)
        _record_deploy(out, key, built)
    return DeployReport(target=target, copied=copied, removed=len(gone), unchanged=len(built) - copied)


def _git(*args: str, git_dir: Path, work_tree: Path | None = None, check: bool = True) -> str:
    command = ["git", f"--git-dir={git_dir}"] + ([f"--work-tree={work_tree}"] if work_tree else []) + list(args)
    environment = {
        "GIT_AUTHOR_NAME": "Blogster", "GIT_AUTHOR_EMAIL": "blogster@localhost",
        "GIT_COMMITTER_NAME": "Blogster", "GIT_COMMITTER_EMAIL": "blogster@localhost",
        **os.environ, "GIT_TERMINAL_PROMPT": "0",
    }  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    except FileNotFoundError:
        raise ConfigError("git is not installed") from None
    if check and result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["failed"])[-1]
        raise BlogsterError(f"git {args[0]}: {reason}")
    return result.stdout.strip() if result.returncode == 0 else ""


def to_git(out: Path, *, remote: str, branch: str, message: str = "Publish site") -> DeployReport:
    """Commits the build in `out` on top of `branch` of `remote` (created if missing) and pushes it."""
    if not branch or branch.startswith("-") or any(c in branch for c in " ~^:?*[\\"):
        raise InvalidInput(f"{branch!r} is not a usable branch name")
    if not remote or remote.startswith("-"):
        raise InvalidInput(f"{remote!r} is not a git remote")
    _built(out)
    with tempfile.TemporaryDirectory(prefix="blogster-deploy-") as scratch:
        git_dir = Path(scratch) / "repo.git"
        _git("init", "--quiet", "--bare", str(git_dir), git_dir=git_dir)
        # A missing branch is not an error: the first deploy creates it.
        _git("fetch", "--quiet", "--depth=1", "--", remote, f"refs/heads/{branch}:refs/heads/{branch}",
             git_dir=git_dir, check=False)  # fmt: skip
        parent = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", git_dir=git_dir, check=False)
        if parent:
            _git("read-tree", parent, git_dir=git_dir, work_tree=out)
        # --force: a .gitignore in the build folder must not leave files out (the others send them).
        _git("add", "--all", "--force", "--", ".", ":(exclude)*.partial", f":(exclude){PRIVATE_PREFIX}*",
             git_dir=git_dir, work_tree=out)  # fmt: skip
        staged = [
            entry.split("\t", 1)
            for entry in _git("ls-files", "-s", "-z", git_dir=git_dir, work_tree=out).split("\0")
            if entry
        ]
        tracked = [path for _, path in staged]
        left_out = [  # an older version committed the manifest; a link (its target's local path) or a
            path for mode, path in staged  # nested repository is no file of the site: neither is sent
            if is_private(path) or mode.startswith(("120000", "160000"))
        ]  # fmt: skip
        if left_out:
            _git("rm", "--cached", "--quiet", "--", *left_out, git_dir=git_dir, work_tree=out)
        total = len(tracked) - len(left_out)
        if parent:
            changes = _git("diff-index", "--cached", "--name-status", parent, git_dir=git_dir, work_tree=out)
        else:
            changes = _git("ls-files", git_dir=git_dir, work_tree=out)
        lines = changes.splitlines()
        removed = sum(1 for line in lines if parent and line.startswith("D"))
        commit = parent
        if lines:
            tree = _git("write-tree", git_dir=git_dir, work_tree=out)
            commit = _git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, git_dir=git_dir)
            _git("push", "--quiet", "--", remote, f"{commit}:refs/heads/{branch}", git_dir=git_dir)
    copied = len(lines) - removed
    return DeployReport(
        target=f"{remote} {branch}", copied=copied, removed=removed, unchanged=total - copied, commit=commit
    )
