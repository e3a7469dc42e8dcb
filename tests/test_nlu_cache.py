"""The trained-model cache is a pickle: it is loaded only when this app wrote it, from a directory only we write."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from bot.understanding.nlu import INTENTS_DIR
from bot.understanding.nlu import EmbeddedClassifier
from bot.understanding.nlu import cache_path
from bot.understanding.nlu import keyed_path
from bot.understanding.nlu import read_cache
from bot.understanding.nlu import training_hash
from bot.understanding.nlu import write_cache

KEY = b"k" * 32


class Planted:
    """A pickle that runs code when loaded: here it only creates a file, to show that it ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture(scope="module")
def trained(nlu_cache_dir: Path) -> EmbeddedClassifier:
    """The classifier of the session's cache (trained once per test run)."""
    return EmbeddedClassifier.load(INTENTS_DIR, nlu_cache_dir)


def test_the_cache_round_trips_under_its_key(tmp_path, trained):
    cache = tmp_path / "cache"
    path = cache_path(trained.data_hash, cache)
    write_cache(path, trained, KEY)
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert oct(keyed_path(path, KEY).stat().st_mode & 0o777) == "0o600"
    loaded = read_cache(path, trained.data_hash, KEY)
    said = "gaji saya tidak dibayar"
    assert loaded is not None and loaded.classify(said) == trained.classify(said)
    assert read_cache(path, trained.data_hash, b"another key, another app..." + b"x" * 5) is None


def test_a_planted_pickle_is_never_loaded(tmp_path, trained):
    cache = tmp_path / "cache"
    path = cache_path(training_hash(INTENTS_DIR), cache)
    write_cache(path, trained, KEY)
    marker = tmp_path / "the-pickle-ran"
    planted = pickle.dumps(Planted(marker))
    target = keyed_path(path, KEY)
    good = target.read_bytes()
    for blob in (planted, good[:-len(planted)] + planted, good[:60] + planted):  # bare, swapped in, spliced
        target.write_bytes(blob)
        path.write_bytes(blob)
        assert read_cache(path, training_hash(INTENTS_DIR), KEY) is None
        assert not marker.exists()


def test_a_cache_directory_others_can_write_is_refused(tmp_path, trained):
    cache = tmp_path / "shared"
    cache.mkdir()
    path = cache_path(trained.data_hash, cache)
    os.chmod(cache, 0o700)
    write_cache(path, trained, KEY)
    os.chmod(cache, 0o777)  # someone else could now swap the file and its key
    assert read_cache(path, trained.data_hash, KEY) is None
    keyed_path(path, KEY).unlink()
    write_cache(path, trained, KEY)
    assert not keyed_path(path, KEY).exists()
