"""Screens: the main three-pane screen, help, dialogs."""
