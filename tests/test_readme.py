"""README's layout section names every top-level entry of the repository, and only existing ones."""
import json
import re
import subprocess

from hw5.config import ROOT


def layout_entries() -> dict[str, str]:
    section = ROOT.joinpath("README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
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
    section = ROOT.joinpath("README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    package = section.split("- `hw5/`", 1)[1].split("\n- `", 1)[0]
    named = set(re.findall(r"`([a-z_0-9/]+\.py)`", package))
    files = {str(path.relative_to(ROOT / "hw5")) for path in (ROOT / "hw5").rglob("*.py")
             if path.name != "__init__.py"}
    assert named == files


def test_readme_states_the_cached_classifiers_recorded_accuracy():
    from hw5.appendix.classifier import INFO
    stated = re.findall(r"(\d+\.\d+)% test accuracy", ROOT.joinpath("README.md").read_text())
    assert stated == [f"{json.loads(INFO.read_text())['test_accuracy']:.2%}"[:-1]]
