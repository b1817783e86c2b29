"""Cross-border hit/no-hit exchange between partner centres (Prüm's shape): signed queries answered by the machine
with "hit" or "no hit" only, details by a follow-up that people decide under a legal basis. No shared database."""
