"""The agreement pages: drafting, the agreement and its PDF, signing, changes and exits."""
