"""The officer page served by the kiosk (FastAPI, server-rendered Jinja2, no build step)."""
