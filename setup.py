"""Build hooks: put the demo model, the model card and the sample scans into the wheel.

Everything else is in pyproject.toml. The data stays in the checkout's ``models/`` and
``resources/`` (one copy in git); when a wheel is built, ``build_py`` copies it into the
package as ``dida_view/_data/models/...`` and ``dida_view/_data/resources/...``, where
``dida_view.paths`` looks for it. The sdist carries the same files at their checkout
paths, so a wheel built from the sdist has them too. Which files: see
``dida_view.paths.shipped_data_files``.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
DATA_DIR = Path("dida_view") / "_data"


def _paths_module():
    """dida_view/paths.py, loaded by file path (importing the package could fail here)."""
    spec = importlib.util.spec_from_file_location("_dida_view_paths", HERE / "dida_view" /
                                                  "paths.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shipped_files() -> list[tuple[Path, str]]:
    return _paths_module().shipped_data_files(HERE)


class BuildPyWithData(build_py):
    """build_py, then copy models/ and resources/ into dida_view/_data in the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        target = Path(self.build_lib) / DATA_DIR
        if target.exists():
            shutil.rmtree(target)  # no stale files from an earlier build
        for src, rel in shipped_files():
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            base = Path(self.build_lib) / DATA_DIR
            outputs += [str(base / rel) for _src, rel in shipped_files()]
        return outputs


class SdistWithData(sdist):
    """sdist, plus the shipped data at its checkout paths (no MANIFEST.in needed)."""

    def make_release_tree(self, base_dir, files) -> None:
        extra = [src.relative_to(HERE).as_posix() for src, _rel in shipped_files()]
        extra += [name for name in ("build.spec", "setup.py") if (HERE / name).is_file()]
        files = list(files)
        files += [f for f in extra if f not in files]
        super().make_release_tree(base_dir, files)


setup(cmdclass={"build_py": BuildPyWithData, "sdist": SdistWithData})
