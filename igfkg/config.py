"""Configuration in one place: where the data lives and what IRIs look like.

Each setting comes from, in order: the command line, the environment
(IGFKG_HOME, IGFKG_BASE_IRI, IGFKG_MAX_FILE_MB, IGFKG_EMBEDDINGS,
IGFKG_APPROXIMATE_THRESHOLD, IGFKG_STORE, IGFKG_STORE_UPDATE, IGFKG_STORE_GSP),
the data directory's own ``config.json`` (written when the knowledge base is
created, so a base IRI and the store stay fixed for its data), then the
defaults below.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .iris import DEFAULT_BASE_IRI

DEFAULT_HOME = Path.home() / ".local" / "share" / "igfkg"
DEFAULT_MAX_FILE_MB = 20.0


class ConfigError(ValueError):
    """A setting that cannot work, explained in one line."""


@dataclass(frozen=True)
class Config:
    home: Path
    base_iri: str = DEFAULT_BASE_IRI
    max_file_bytes: int = int(DEFAULT_MAX_FILE_MB * 1024 * 1024)
    embeddings: str | None = None  # None: the model the passage index was built with, else "use"
    approximate_threshold: int = 50_000  # passages before an HNSW graph joins the exact index
    # A SPARQL 1.1 server holding the graph (query, update, graph store URLs); None: the embedded store.
    store: tuple[str, str, str | None] | None = None

    @property
    def index_path(self) -> Path:
        return self.home / "index"

    @property
    def store_path(self) -> Path:
        return self.home / "store"

    @property
    def settings_path(self) -> Path:
        return self.home / "config.json"


def load_config(home: str | Path | None = None, base_iri: str | None = None,
                max_file_mb: float | None = None, embeddings: str | None = None,
                approximate_threshold: int | None = None, store: str | None = None,
                store_update: str | None = None, store_gsp: str | None = None) -> Config:
    home_path = Path(home or os.environ.get("IGFKG_HOME") or DEFAULT_HOME).expanduser()
    saved = _read_saved(home_path)
    wanted_base = base_iri or os.environ.get("IGFKG_BASE_IRI")
    if wanted_base and saved.get("base_iri") and wanted_base != saved["base_iri"]:
        raise ConfigError(
            f"the knowledge base in {home_path} uses base IRI {saved['base_iri']}; "
            f"use another --home for {wanted_base}")
    base = wanted_base or saved.get("base_iri") or DEFAULT_BASE_IRI
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"base IRI must start with http:// or https://, not {base!r}")
    mb = max_file_mb or _number("IGFKG_MAX_FILE_MB", DEFAULT_MAX_FILE_MB, float)
    threshold = approximate_threshold or _number("IGFKG_APPROXIMATE_THRESHOLD", 50_000, int)
    return Config(home=home_path, base_iri=base, max_file_bytes=int(mb * 1024 * 1024),
                  embeddings=embeddings or os.environ.get("IGFKG_EMBEDDINGS") or None,
                  approximate_threshold=threshold,
                  store=_store(home_path, saved, store, store_update, store_gsp))


def _store(home: Path, saved: dict, query: str | None, update: str | None, gsp: str | None):
    """The store's URLs: as given (flags, then environment), else as the data
    directory recorded them. A data directory stays with the store it was
    made with: its passage index describes that store's graph."""
    recorded = tuple(saved["store"]) if saved.get("store") else None
    query = query or os.environ.get("IGFKG_STORE") or (recorded[0] if recorded else None)
    update = update or os.environ.get("IGFKG_STORE_UPDATE") or None
    gsp = gsp or os.environ.get("IGFKG_STORE_GSP") or None
    if not query:
        if update or gsp:
            raise ConfigError("--store-update and --store-gsp need --store (the query endpoint)")
        return None
    if recorded and recorded[0] == query:  # endpoints not given again: as recorded
        update, gsp = update or recorded[1], gsp or recorded[2]
    for url in (query, update, gsp):
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(f"a store URL must start with http:// or https://, not {url!r}")
    wanted = (query, update or query, gsp)
    if recorded is not None and recorded[0] != query:
        raise ConfigError(f"the knowledge base in {home} keeps its graph in the store at {recorded[0]}, "
                          f"not {query}; use another --home for that store")
    if recorded is None and (home / "store").exists():
        raise ConfigError(f"the knowledge base in {home} keeps its graph in the embedded store ({home / 'store'}); "
                          f"use another --home for the store at {query} (move data with export and load)")
    return wanted


def _number(name: str, default, kind):
    """A positive number from the environment, or a one-line error naming it."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what} above 0, not {raw!r}")
    return value


def save_settings(config: Config) -> None:
    """Record the base IRI (and the store, when remote) beside the data it was used for."""
    config.home.mkdir(parents=True, exist_ok=True)
    settings = {"base_iri": config.base_iri}
    if config.store:
        settings["store"] = list(config.store)
    config.settings_path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def _read_saved(home: Path) -> dict:
    path = home / "config.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def one_thread_environment() -> dict[str, str]:
    """The environment of a process that computes on one thread: BLAS and
    OpenMP, and the embedding models (which otherwise take one thread per
    core and raise BLAS's limit to it on every call), so N processes use N
    cores instead of fighting over them (measured: one thread embeds about
    1.4 times as many passages per second of CPU as two)."""
    from igfkg.search.encoders import THREADS_VARIABLE

    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", THREADS_VARIABLE)
    return {name: "1" for name in names}


@contextmanager
def environment(values: dict[str, str]):
    """These environment variables set for the block, then as they were (unset if they were)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
