"""Untrusted text: control characters out (safetext), HTML sanitized (sanitize), article text
out of web pages (extract), the shape of headline-like lines (shape), web URL checks (urls)."""
