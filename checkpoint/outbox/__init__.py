"""The kiosk's offline outbox: durable local queue first, then the centre, with retries and back-off."""
