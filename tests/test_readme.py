"""README answers a student on its first screen; its layout section names every top-level entry of the repository,
and only existing ones; what it and docs/ state is read here from the files that decide it."""
import importlib.metadata
import json
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import nbformat
import pytest

from hw5.config import ROOT, RUN_DIR
from hw5.render import pdf as writeup

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
FIRST_SCREEN = 40   # lines: what a student reads before scrolling


def distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()   # PyPI's normalised name


def locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", ROOT.joinpath("requirements.lock").read_text(), flags=re.M)
    return {distribution(name): version for name, version in pins}


def lock_python() -> str:
    return re.search(r"^LOCK_PYTHON := (\S+)$", ROOT.joinpath("Makefile").read_text(), flags=re.M)[1]


def test_the_first_screen_says_what_to_upload_where_the_name_goes_and_the_two_commands():
    screen = README.read_text().splitlines()[:FIRST_SCREEN]
    assert any(line.startswith("make        # ") and "writeup/hw5.pdf" in line for line in screen)
    assert any(line.startswith("make test   # ") for line in screen)
    assert any("`writeup/hw5.pdf`, to Gradescope" in line for line in screen)
    first_cell = nbformat.read(ROOT / "hw5.ipynb", as_version=4).cells[0].source
    title_lines = [m[0].strip() for m in writeup.TITLE_LINE.finditer(first_cell)]
    assert len(title_lines) == 3 and all(line in screen for line in title_lines)   # as the notebook shows them
    assert any(f'in place of "{writeup.PLACEHOLDER_NAME}"' in line for line in screen)


def test_readme_and_docs_name_only_make_targets_that_exist():
    targets = set(re.findall(r"^([a-z0-9-]+):.*## ", ROOT.joinpath("Makefile").read_text(), flags=re.M))
    named = {target for path in (README, *DOCS) for target in re.findall(r"\bmake ([a-z][a-z0-9-]*)", path.read_text())}
    assert named and named - targets == set()


def test_readme_states_the_locks_platform_and_the_lock_pins_every_required_package():
    assert f"for CPython {lock_python()} (any patch\nrelease) on x86-64 Linux" in README.read_text()
    required = re.findall(r"^([A-Za-z0-9._-]+)", ROOT.joinpath("requirements.txt").read_text(), flags=re.M)
    assert required and {distribution(name) for name in required} - locked().keys() == set()


def test_the_environment_holds_exactly_the_locked_versions():
    if (platform.python_version().rsplit(".", 1)[0], sys.platform, platform.machine()) != (lock_python(), "linux",
                                                                                         "x86_64"):
        pytest.skip("requirements.lock is not for this platform: make installed requirements.txt's ranges")
    installed = {distribution(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    installed.pop("pip")   # the venv's own, which the lock leaves alone
    assert installed == locked(), "run `make venv` after `touch requirements.lock`"


def test_the_training_hours_and_speed_stated_are_the_committed_runs():
    history = json.loads((RUN_DIR / "history.json").read_text())
    seconds = sum(epoch["seconds"] for epoch in history["epochs"])
    texts = [path.read_text() for path in (README, *DOCS)]
    stated = [h for text in texts for h in re.findall(r"(\d+\.\d) hours of training", text)]
    assert stated and set(stated) == {f"{seconds / 3600:.1f}"}
    speeds = [s for text in texts for s in re.findall(r"(\d+)\s+images/s", text.split("## Retraining")[0])]
    assert speeds and set(speeds) == {f"{history['epochs_done'] * history['num_images'] / seconds:.0f}"}


def layout_entries() -> dict[str, str]:
    section = README.read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    entries = {}
    for item in re.findall(r"^- (.+?) — (.*)$", section, flags=re.M):
        for name in re.findall(r"`([^`]+)`", item[0]):
            entries[name.rstrip("/")] = item[1]
    return entries


def test_layout_lists_every_tracked_top_level_entry():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    top = {path.split("/")[0] for path in tracked.split()}
    assert top, "not a git checkout"
    assert top - {name.split("/")[0] for name in layout_entries()} == set()


def test_layout_lists_only_what_exists_or_is_made():
    missing = [name for name, text in layout_entries().items()
               if not (ROOT / name).exists() and "made by" not in text]
    assert missing == []


def test_layout_names_every_module_of_the_package_and_no_other():
    section = README.read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    package = section.split("- `hw5/`", 1)[1].split("\n- `", 1)[0]
    named = set(re.findall(r"`([a-z_0-9/]+\.py)`", package))
    files = {str(path.relative_to(ROOT / "hw5")) for path in (ROOT / "hw5").rglob("*.py")
             if path.name != "__init__.py"}
    assert named == files


def test_docs_state_the_cached_classifiers_recorded_accuracy():
    from hw5.appendix.classifier import INFO
    stated = re.findall(r"(\d+\.\d+)% test accuracy", "".join(path.read_text() for path in (README, *DOCS)))
    assert stated == [f"{json.loads(INFO.read_text())['test_accuracy']:.2%}"[:-1]]


def test_the_url_make_lab_prints_opens_the_notebook():
    command = subprocess.run(["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()[-1]   # the Makefile's own, after its set-up steps
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    lab = subprocess.Popen(["bash", "-c", f"exec {command} --no-browser --ServerApp.port={port}"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = next(m[0] for line in lab.stderr if (m := re.search(rf"http://127\.0\.0\.1:{port}/\S+", line)))
        for _ in range(60):   # the server logs its URL a moment before it accepts connections
            try:
                page = urllib.request.urlopen(url, timeout=60).read().decode()
                break
            except urllib.error.URLError:
                time.sleep(1)
        else:
            pytest.fail(f"{url} did not answer in a minute")
    finally:
        lab.terminate()
        lab.wait(timeout=30)
    assert urllib.parse.urlsplit(url).path == "/lab/tree/hw5.ipynb" and '"treePath": "hw5.ipynb"' in page
