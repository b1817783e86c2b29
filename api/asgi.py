"""The ASGI entry for process managers and multi-worker uvicorn: `uvicorn api.asgi:app`."""

from __future__ import annotations

from api.app import create_app
from checkpoint.settings import get_settings

app = create_app(get_settings())
