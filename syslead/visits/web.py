"""Helpers the delivery pages share: showing a service's refusal in the page (both are the core's,
``syslead.core.service_calls``)."""

from __future__ import annotations

from syslead.core.service_calls import RefusalForm, run_service

__all__ = ["RefusalForm", "run_service"]
