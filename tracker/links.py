"""Absolute links for mails and feeds, which are built outside any request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The address of `endpoint` as users reach it: under TRACKER_BASE_URL (scheme, host and
    the path the app is mounted at), not whatever host the job runs on."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
