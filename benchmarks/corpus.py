"""Corpora of policies for the benchmarks: N policies made from the example policies, each
with an id and a title of its own, in a fresh project folder (policykit.yaml and policies/).

    .venv/bin/python benchmarks/corpus.py FOLDER N
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "policies").glob("*.yaml"))


def make_corpus(folder: Path, count: int) -> Path:
    """A project in `folder` with `count` policies in policies/; the folder is returned."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "policies").mkdir(parents=True)
    shutil.copy(ROOT / "policykit.yaml", folder / "policykit.yaml")
    shutil.copytree(ROOT / "schema", folder / "schema")
    texts = [path.read_text("utf-8") for path in EXAMPLES]
    for n in range(count):
        text = texts[n % len(texts)]
        old_id = re.search(r"^id: (\S+)$", text, re.M)
        assert old_id is not None
        new_id = f"{old_id.group(1)}-{n}"
        text = text.replace(f"\nid: {old_id.group(1)}\n", f"\nid: {new_id}\n", 1)
        text = re.sub(r"^title: (.+)$", rf"title: \1 {n}", text, count=1, flags=re.M)
        # Links to another example lead to its first copy, so that they name a policy.
        text = re.sub(r"\(policy:([a-z-]+)\)", _first_copy, text)
        (folder / "policies" / f"{new_id}.yaml").write_text(text, "utf-8")
    return folder


def _first_copy(link: re.Match[str]) -> str:
    names = [path.stem for path in EXAMPLES]
    return f"(policy:{link.group(1)}-{names.index(link.group(1))})"


def one_policy(folder: Path) -> Path:
    """A project with the communication policy alone; its file is returned."""
    make_corpus(folder, 0)
    target = folder / "policies" / "kommunikationspolitik.yaml"
    shutil.copy(ROOT / "policies" / "kommunikationspolitik.yaml", target)
    return target


def main(arguments: list[str]) -> int:
    folder, count = arguments
    make_corpus(Path(folder), int(count))
    print(f"{count} policies in {folder}/policies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
