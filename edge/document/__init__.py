"""Travel documents: data page image -> MRZ lines -> ICAO 9303 fields, checks and portrait crop."""
