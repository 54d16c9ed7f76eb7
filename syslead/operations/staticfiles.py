"""Static files without DEBUG: the hashed, compressed copies `collectstatic` wrote (WhiteNoise
serves them with far-future cache headers), and plain names until it has run."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage that, before `collectstatic` has written the
    manifest (a fresh checkout run with DEBUG=false), gives each file's plain name instead of
    failing, so pages still render (WhiteNoise then serves them from the apps' folders)."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return str(super().stored_name(name))
