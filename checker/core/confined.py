"""File operations confined to one folder: none acts through a link or outside the folder, so
that a tool rearranging a tree it made (preprocess) can never move, remove or write what the
tree's links point to."""

from __future__ import annotations

import errno
import os
import shutil

__all__ = ["Confined", "LinkOnTheWay"]


class LinkOnTheWay(Exception):
    """An operation would act through a link, or outside the folder: it is not made."""

    def __init__(self, rel: str, why: str) -> None:
        super().__init__(f"{rel}: {why}")
        self.rel, self.why = rel, why


class Confined:
    """The folder `root`, with operations on paths relative to it ("/"-separated)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    def abs(self, rel: str, *, through: bool = False) -> str:
        """The path of `rel`, once no folder on the way to it is a link (nor `rel` itself,
        with `through`: its contents are to be read or changed)."""
        parts = [p for p in rel.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts) or os.path.isabs(rel):
            raise LinkOnTheWay(rel, "not a path inside the folder")
        path = self.root
        for i, part in enumerate(parts):
            path = os.path.join(path, part)
            last = i == len(parts) - 1
            if (not last or through) and os.path.islink(path):
                raise LinkOnTheWay(rel, f"{'/'.join(parts[:i + 1])} is a link (to "
                                        f"{os.readlink(path)}); nothing is done through a link")
        return path

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.abs(rel))

    def isdir(self, rel: str) -> bool:
        path = self.abs(rel)
        return os.path.isdir(path) and not os.path.islink(path)

    def isfile(self, rel: str) -> bool:
        path = self.abs(rel)
        return os.path.isfile(path) and not os.path.islink(path)

    def listdir(self, rel: str) -> list[str]:
        return sorted(os.listdir(self.abs(rel, through=True)))

    def makedirs(self, rel: str) -> None:
        os.makedirs(self.abs(rel, through=True), exist_ok=True)

    def move(self, src: str, dst: str) -> None:
        """`src` (a link moves as the link) to `dst`, which must not exist."""
        a, b = self.abs(src), self.abs(dst)
        if os.path.lexists(b):
            raise LinkOnTheWay(dst, "exists already")
        try:
            os.rename(a, b)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            shutil.move(a, b)  # a mount inside the folder: copied with its links as links

    def remove(self, rel: str) -> None:
        """A folder with everything in it (links removed, never followed), a file, or a link."""
        path = self.abs(rel)
        if os.path.islink(path) or not os.path.isdir(path):
            os.unlink(path)
        else:
            shutil.rmtree(path)

    def rmdir(self, rel: str) -> None:
        os.rmdir(self.abs(rel, through=True))

    def copytree(self, src: str, dst: str) -> None:
        """A copy of the folder `src` at `dst`, its links copied as links."""
        shutil.copytree(self.abs(src, through=True), self.abs(dst), symlinks=True)

    def read_text(self, rel: str) -> str:
        with open(self.abs(rel), encoding="utf-8") as fh:
            return fh.read()

    def write_text(self, rel: str, text: str) -> None:
        """A new file (never one that exists, nor through a link)."""
        path = self.abs(rel)
        if "/" in rel:
            self.makedirs(rel.rsplit("/", 1)[0])
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
