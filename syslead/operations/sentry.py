"""Error reporting to Sentry, only when ``SENTRY_DSN`` is set; never personal data."""

from __future__ import annotations

from collections.abc import Mapping


def init_sentry(environ: Mapping[str, str]) -> bool:
    """Start the Sentry SDK if the environment names a DSN; whether it did."""
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environ.get("SENTRY_ENVIRONMENT") or "production",
        send_default_pii=False,  # no user e-mails, names, cookies or addresses
        traces_sample_rate=float(environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        max_request_body_size="never",
        include_local_variables=False,  # stack frames could hold names or e-mails
    )
    return True
