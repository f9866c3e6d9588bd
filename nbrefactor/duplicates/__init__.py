"""The I/O around clone detection: which files to check, reading and fingerprinting
them (with a cache), and the baseline of copies a team already has."""
