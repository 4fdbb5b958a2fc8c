"""Fast tests of the review page's box logic (canned findings, no OCR)."""

from __future__ import annotations

import pytest

from phiguard.models import Box, Finding
from phiguard.review import BoxSpec, boxes_to_redact, clip, parse_box_spec
from phiguard.webguard import is_loopback

NAME = Finding("PERSON", 0.9, "x", boxes=(Box(100, 50, 80, 20),))
MRN = Finding("MRN", 0.9, "x", boxes=(Box(300, 50, 90, 20), Box(10, 90, 40, 20)))


def test_parse_accepts_object_bare_list_and_nothing() -> None:
    assert parse_box_spec(None) == BoxSpec()
    assert parse_box_spec(" ") == BoxSpec()
    assert parse_box_spec("[[1, 2, 3, 4]]") == BoxSpec(include=(Box(1, 2, 3, 4),))
    spec = parse_box_spec('{"include": [[1.4, 2, 3, 4]], "exclude": [[5, 6, 7, 8]]}')
    assert spec == BoxSpec(include=(Box(1, 2, 3, 4),), exclude=(Box(5, 6, 7, 8),))


@pytest.mark.parametrize(
    "raw",
    [
        "{nope",
        '{"include": [[1, 2, 3]]}',
        '{"include": [[1, 2, 0, 4]]}',
        '{"include": [["1", 2, 3, 4]]}',
        '{"include": [[true, 2, 3, 4]]}',
        '{"inclde": []}',
        '{"exclude": {"x": 1}}',
        '"box"',
    ],
)
def test_parse_rejects_malformed_boxes_with_a_message(raw: str) -> None:
    with pytest.raises(ValueError, match="box"):
        parse_box_spec(raw)


def test_found_boxes_are_padded_like_the_cli_and_excluded_ones_dropped() -> None:
    all_boxes = boxes_to_redact([NAME, MRN], BoxSpec(), 1000, 500)
    assert len(all_boxes) == 3
    assert all_boxes[0].x < 100 and all_boxes[0].right > 180  # padded
    # A reviewer's box a few pixels off still matches the name it meant.
    spec = BoxSpec(exclude=(Box(97, 48, 85, 22),))
    kept = boxes_to_redact([NAME, MRN], spec, 1000, 500)
    assert len(kept) == 2 and all(b.intersection(Box(100, 50, 80, 20)) == 0 for b in kept)


def test_included_boxes_are_added_and_clipped_to_the_image() -> None:
    spec = BoxSpec(include=(Box(950, 480, 100, 100), Box(2000, 2000, 5, 5)))
    assert boxes_to_redact([], spec, 1000, 500) == [Box(950, 480, 50, 20)]
    assert clip(Box(-5, -5, 10, 10), 100, 100) == Box(0, 0, 5, 5)


def test_loopback_detection() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.5", "example.org", "::"]))
