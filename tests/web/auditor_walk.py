"""Walking the console as a person would: from the navigation bar, every page a link leads to
(within the console, a few query variants of each path), with what each page offers."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from fastapi.testclient import TestClient

LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"', re.S)
# A recording's sound: played or downloaded (a report's download is a document, not audio).
AUDIO = re.compile(r"/recordings/[^?\s]*/(audio|download)\b")
FORM = re.compile(r"<form\b([^>]*)>", re.S)
ATTRIBUTE = re.compile(r'\b(method|action)="([^"]*)"', re.S)
# `/cases/new`: filing one's own case (a private call, a concern), which the About recording
# page links to, is a person's own business, like their training, and tested with the cases.
NOT_PAGES = ("/static/", "/sign-out", "/sign-in", "/cases/new")
VARIANTS = 3  # of a page (its filters, paging) or of a kind of record: enough to see its forms
MOST = 400


@dataclass
class Walked:
    statuses: dict[str, int] = field(default_factory=dict)
    posts: dict[str, list[str]] = field(default_factory=dict)  # page -> POST form actions
    players: list[str] = field(default_factory=list)  # pages with an <audio> element
    audio_links: dict[str, list[str]] = field(default_factory=dict)  # page -> audio URLs


def post_actions(html: str) -> list[str]:
    actions = []
    for attributes in FORM.findall(html):
        found = dict((name, value) for name, value in ATTRIBUTE.findall(attributes))
        if found.get("method", "get").lower() == "post":
            actions.append(found.get("action", ""))
    return actions


def walk(browser: TestClient, start: list[str]) -> Walked:
    """Every console page reachable from `start` by links; what each offers."""
    walked, queue, seen = Walked(), deque(start), set(start)
    per_path: Counter[str] = Counter()
    while queue and len(walked.statuses) < MOST:
        url = queue.popleft()
        answer = browser.get(url, follow_redirects=False)
        walked.statuses[url] = answer.status_code
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        html = answer.text
        walked.posts[url] = post_actions(html)
        if "<audio" in html:
            walked.players.append(url)
        audio = [href for href in LINK.findall(html) if AUDIO.search(href)]
        if audio:
            walked.audio_links[url] = audio
        for href in LINK.findall(html):
            target = urldefrag(href.replace("&amp;", "&"))[0]
            path = urlsplit(target).path
            if not target.startswith("/") or target.startswith(NOT_PAGES) or target in seen:
                continue
            if re.search(r"/(audio|download|picture)\b", path):
                continue  # not pages: recorded above when a page offers them
            kind = re.sub(r"(/[^/]+/)[^/]+$", r"\1*", path)  # /calls/call_1 and /calls/call_2
            if per_path[path] >= VARIANTS or (per_path[kind] >= VARIANTS and kind != path):
                continue
            per_path[path] += 1
            per_path[kind] += kind != path
            seen.add(target)
            queue.append(target)
    return walked
