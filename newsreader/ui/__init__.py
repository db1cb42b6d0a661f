"""The Textual app ("the reading app"). Only this package imports Textual."""
