"""Browser-facing hardening the centre's pages and the kiosk's page share (both layers may import it)."""
