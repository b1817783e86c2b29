"""The public side of the centre: transparency, traveller receipts and complaints, with no credentials and no
personal data (see api/README.md, "Public side")."""
