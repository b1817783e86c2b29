"""`checkpoint bench report`: match-rate reports auditors can trust (HTML + JSON), and their re-verification."""
