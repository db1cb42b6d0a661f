"""Helpers shared by the tests (no tests here): servers, the CLI runner, TUI helpers."""
