"""The one backstop for errors in the app: a failed worker becomes a notification.

Workers are declared with `exit_on_error=False`; the screens that run them inherit
`ShowsWorkerErrors`, whose handler shows the error's one line (a `UserError` message as is,
anything else as an unexpected error) with `notify`, never a traceback.
"""

from __future__ import annotations

from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from newsreader.errors import describe
from newsreader.text.safetext import clean


def report(
    node: Widget | MessagePump, exc: BaseException, *, severity: SeverityLevel = "error"
) -> None:
    """Show `exc` to the user as one line (a sentence: capitalised)."""
    text = clean(describe(exc), 400)
    node.app.notify(text[:1].upper() + text[1:], severity=severity, markup=False, timeout=8)


class ShowsWorkerErrors:
    """Mixin for a screen: its failed workers are reported with `notify`."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            assert isinstance(self, MessagePump)
            report(self, error)
