"""N-11: notifications are selected in the transaction that stores their event and kept in the outbox."""


def enqueue_for_events(events, settings):
    """Call inside the write transaction, after every change of the request (N-1): one outbox row per
    message the events cause. With ARGUS_LITE_SEND_NOTIFICATIONS false nothing is written (N-11)."""
    if not settings.send_notifications:
        return 0
    raise NotImplementedError("notification selection arrives with the notifications work")
