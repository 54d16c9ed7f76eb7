"""Static files without DEBUG: the hashed, compressed copies `collectstatic` wrote (WhiteNoise
serves them with far-future cache headers), and plain names until it has run."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage that, before `collectstatic` has written the
    manifest (a fresh checkout run with DEBUG=false), gives each file's plain name instead of
    failing, so pages still render (WhiteNoise then serves them from the apps' folders).

    ``import … from "./govuk-frontend.min.js"`` in ``core/syslead.js`` is rewritten to the hashed
    name, since only hashed copies are kept. Only that file's imports are rewritten: Django's
    rewriting of every script's imports would fail on third-party scripts (django-htmx's
    extensions import a bare "htmx")."""

    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        (
            "core/syslead.js",
            CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1],
        ),
    )

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return str(super().stored_name(name))
