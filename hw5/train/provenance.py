"""Which code trained a run. Each training session records in history.json the fingerprint of the code that
decides the run's numbers (TRAINING_CODE, read from the files, without git), beside its commit as information.
The build shows a run, and training resumes one, only where every session's fingerprint is this checkout's: a
full clone, a shallow clone, a ZIP and a fork get the same answer, and a comment or a docstring changes nothing.

    python -m hw5.train.provenance    # this checkout's fingerprint, per file
"""
import ast
import hashlib
import io
import json
import platform
import subprocess
import tokenize
from pathlib import Path

import cpuinfo
import torch
import torchvision

from ..config import RETRAIN_DIR, ROOT, RUN_DIR, TrainConfig, as_record, shown
from . import rundir
from .rundir import History, RunError

# The code that decides a run's numbers: per file, the definitions that do (None: all of the file). Inside: the
# configuration's values and the precision's dtype; the data's decoding and order; the model; the losses, the
# step, the seeding, the batches and the fixed noise; the loop; the history's record of the steps, and saving
# and restoring the training state (resumed runs are bit-identical: tests/test_reliability.py). Outside, as
# nothing there can change a number: the progress display (train/progress.py), this module, error messages and
# file bookkeeping (the rest of config.py and rundir.py, storage.py), and the quality judge with its assets
# (appendix/quality.py, appendix/classifier.py): it draws nothing from the training RNG (tests/test_quality.py).
TRAINING_CODE = {
    "hw5/config.py": ("TrainConfig", "resolve_precision"),
    "hw5/answers/data.py": ("load_dataset", "load_images"),
    "hw5/answers/models.py": None,
    "hw5/answers/gan.py": None,
    "hw5/train/loop.py": None,
    "hw5/train/rundir.py": ("new_history", "record_epoch", "save_checkpoint", "resume", "write_results"),
}


def executed_lines(source: str) -> tuple[list[str], ast.Module]:
    """The source's lines, each without comments, docstrings and trailing blanks (blank where nothing is left;
    any line ending), and its syntax tree: positions that tokenize and ast give alike on every Python since 3.8."""
    text = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, tree = text.split("\n"), ast.parse(text)
    column = lambda row, offset: len(lines[row - 1].encode()[:offset].decode())   # ast counts UTF-8 bytes
    cuts = [(*token.start, *token.end) for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT]
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            doc = node.body[0]
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
                cuts.append((doc.lineno, column(doc.lineno, doc.col_offset),
                             doc.end_lineno, column(doc.end_lineno, doc.end_col_offset)))
    for start_row, start_col, end_row, end_col in sorted(cuts, reverse=True):   # from the end: positions hold
        kept = lines[start_row - 1][:start_col] + lines[end_row - 1][end_col:]
        lines[start_row - 1:end_row] = [kept] + [""] * (end_row - start_row)
    return [line.rstrip() for line in lines], tree


def defined_names(node: ast.stmt) -> list[str]:
    """The names a top-level statement defines: a function's, a class's, an assignment's plain targets."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [target.id for target in targets if isinstance(target, ast.Name)]


def source_fingerprint(source: str, names: tuple[str, ...] | None = None) -> str:
    """16 hex digits of SHA-256 over the executed lines of `source`, or of its top-level definitions `names`
    (in the order given; a missing one counts as its name), blank lines left out."""
    lines, tree = executed_lines(source)
    if names is not None:
        spans = {name: lines[min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1:
                             node.end_lineno]
                 for node in tree.body for name in defined_names(node)}
        lines = [line for name in names for line in spans.get(name, [f"{name} is missing"])]
    text = "\n".join(line for line in lines if line)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def code_fingerprint(read=lambda path: (ROOT / path).read_text(encoding="utf-8")) -> dict:
    """{"fingerprint": one for all of TRAINING_CODE, "files": one per file} of the files `read` returns (the
    checkout's; or, say, a commit's, read by `git show`)."""
    files = {path: source_fingerprint(read(path), names) for path, names in TRAINING_CODE.items()}
    whole = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    return {"fingerprint": whole, "files": files}


def git(*args: str) -> str:
    """git's output in the project's checkout; OSError or CalledProcessError without git or a checkout."""
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def session_record(start_epoch: int, device: torch.device, precision: str) -> dict:
    """Provenance of the process that trains now: its code's fingerprint (and commit, when in a git checkout),
    the machine, the versions."""
    try:
        commit = git("rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        commit = None
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else cpuinfo.get_cpu_info()["brand_raw"]
    return {"start_epoch": start_epoch, "code": code_fingerprint(), "commit": commit, "device": str(device),
            "device_name": name, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "threads": torch.get_num_threads(), "python": platform.python_version(), "torch": torch.__version__,
            "torchvision": torchvision.__version__, "precision": precision}


def other_code(history: History, code: dict | None = None) -> list[str]:
    """Why this checkout's training code (`code`, by default the files' fingerprint) did not train the run, a
    line per session it did not train, naming the files whose executed code differs; [] when it trained all."""
    code = code or code_fingerprint()
    reasons = []
    for k, session in enumerate(history["sessions"], 1):
        recorded = session.get("code")
        if recorded is None:
            reasons.append(f"session {k} recorded no fingerprint of its code")
        elif recorded["fingerprint"] != code["fingerprint"]:
            changed = [path for path, digest in code["files"].items() if recorded["files"].get(path) != digest]
            reasons.append(f"session {k} (from epoch {session['start_epoch']}) ran other code in "
                           f"{', '.join(changed)}")
    return reasons


def retrain_under_way(retrain_dir: Path = RETRAIN_DIR) -> str | None:
    """'retrain under way in runs/dcgan-new: k of 50 epochs done' while retrain_dir holds an unfinished,
    checkpointed run of TrainConfig() that only this checkout's training code trained; None otherwise."""
    history = rundir.read_history(retrain_dir)
    if (history is None or history["finished"] or history["config"] != as_record(TrainConfig())
            or not (retrain_dir / rundir.CHECKPOINT).exists() or other_code(history)):
        return None
    return (f"retrain under way in {shown(retrain_dir)}: {history['epochs_done']} of "
            f"{history['config']['epochs']} epochs done")


def retrain_cost(history: History) -> str:
    """'3.1 hours of training at 268 images/s on AMD EPYC (2 threads)': what the run took, as it recorded it."""
    seconds = sum(epoch["seconds"] for epoch in history["epochs"])
    machines = sorted({f"{s['device_name']} ({s['threads']} threads)" for s in history["sessions"]})
    return (f"{seconds / 3600:.1f} hours of training at {history['epochs_done'] * history['num_images'] / seconds:.0f} "
            f"images/s on {' and '.join(machines)}")


def check_shown(run_dir: Path = RUN_DIR, retrain_dir: Path = RETRAIN_DIR) -> None:
    """The one question the build asks: a RunError unless this checkout's training code trained the run in
    run_dir. While that code's retrain in retrain_dir is under way, or finished and not yet swapped in, the
    error says so; otherwise it names the files that differ and what `make retrain` costs. Trains nothing."""
    history = rundir.read_history(run_dir)
    reasons = ["it holds no run"] if history is None else other_code(history)
    if not reasons:
        return
    if under_way := retrain_under_way(retrain_dir):
        raise RunError(f"{under_way}; {shown(run_dir)} is not this training code's run: `make retrain` resumes the "
                       f"retrain, and swaps the run in when it is finished")
    retrain = rundir.read_history(retrain_dir)
    if retrain and retrain["finished"] and not other_code(retrain):
        raise RunError(f"the retrain in {shown(retrain_dir)} is finished: `make retrain` swaps it into "
                       f"{shown(run_dir)}")
    if history is None:
        raise RunError(f"{shown(run_dir)} holds no run: restore it from git, or `make retrain`")
    cost = f"; it took {retrain_cost(history)}" if history["epochs"] else ""
    raise RunError(f"{shown(run_dir)} was not trained by the training code in this checkout ({'; '.join(reasons)}): "
                   f"`make retrain` trains it anew{cost}; `make bench` measures this machine")


def check_resumable(run_dir: Path) -> None:
    """A RunError if run_dir holds an unfinished run begun by other training code: resumed, it would be neither's."""
    history = rundir.read_history(run_dir)
    if history and not history["finished"] and (reasons := other_code(history)):
        raise RunError(f"{shown(run_dir)} holds a run begun by other training code ({'; '.join(reasons)}): "
                       f"delete it to train anew")


if __name__ == "__main__":
    print(json.dumps(code_fingerprint(), indent=1))
