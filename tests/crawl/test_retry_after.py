"""Retry-After on 429/503 (seconds or HTTP-date), capped; jittered backoff otherwise."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from disclosures.fixtures.portal import server as mock
from disclosures.flows.fetch import (
    Fetcher,
    FetchError,
    FetchSettings,
    Validators,
    retry_after_seconds,
)

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)


def settings(**overrides) -> FetchSettings:
    base = {"delay_seconds": 0.01, "timeout_seconds": 2, "retries": 2, "backoff_seconds": 0.05}
    return FetchSettings(**{**base, **overrides})


def test_a_server_answering_429_with_retry_after_2_is_not_asked_again_for_2_seconds(portal, tmp_path):
    with Fetcher(settings()) as fetcher:
        fetched = fetcher.get_file(portal.url(mock.RATE_LIMITED_URL), Validators(), tmp_path)
    first, second = portal.requests_to(mock.RATE_LIMITED_URL)
    assert (first.status, second.status, fetched.format) == (429, 200, "pdf")
    assert second.at - first.at >= 2.0, second.at - first.at


def test_the_pause_holds_for_the_whole_host(portal, tmp_path):
    """Another thread's request to the same host waits out the pause too."""
    with Fetcher(settings()) as fetcher:
        fetcher.get_page(portal.url("/czyjs/index.html"))  # robots.txt read before the race
        paused = threading.Thread(target=fetcher.get_file,
                                  args=(portal.url(mock.RATE_LIMITED_URL), Validators(), tmp_path))
        paused.start()
        while not portal.requests_to(mock.RATE_LIMITED_URL):
            time.sleep(0.01)
        time.sleep(0.2)  # the 429 has arrived and set the pause
        fetcher.get_file(portal.url(mock.PDF_URL), Validators(), tmp_path)
        paused.join()
    limited = portal.requests_to(mock.RATE_LIMITED_URL)[0]
    other = portal.requests_to(mock.PDF_URL)[0]
    assert other.at - limited.at >= 2.0, other.at - limited.at


def test_a_pause_longer_than_the_cap_fails_the_url_without_asking_again(portal, tmp_path):
    with Fetcher(settings(max_retry_after_seconds=1)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get_file(portal.url(mock.RATE_LIMITED_URL), Validators(), tmp_path)
    assert caught.value.http_status == 429
    assert "Retry-After 2 s, over max_retry_after_seconds (1)" in caught.value.detail
    assert len(portal.requests_to(mock.RATE_LIMITED_URL)) == 1


@pytest.mark.parametrize("value, seconds", [
    ("2", 2.0),
    ("120", 120.0),
    (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),  # an HTTP-date
    (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0.0),   # already past
    ("soon", None),
    (None, None),
])
def test_retry_after_in_seconds_or_as_an_http_date(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds


def test_backoff_doubles_with_jitter_within_its_bounds():
    fetcher = Fetcher(settings(backoff_seconds=1.0, backoff_jitter=0.5))
    waits = {attempt: [fetcher.backoff(attempt) for _ in range(200)] for attempt in (0, 2)}
    fetcher.client.close()
    assert all(0.5 <= w <= 1.5 for w in waits[0]) and all(2.0 <= w <= 6.0 for w in waits[2])
    assert len(set(waits[0])) > 100  # not one fixed wait: threads that failed together spread out
