"""Look inside a file FFmpeg refused, to say *why* in one line.

OpenCV only reports "could not open". A user needs to hear whether the file is not a
video at all, a video container with no video track (zero frames), or a video whose
codec this OpenCV build cannot decode. The MP4/MOV box structure answers that cheaply.
"""
from __future__ import annotations

import struct
from pathlib import Path

_HEAD_BYTES = 8 * 1024 * 1024


def _iter_boxes(data: bytes, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos + header, min(pos + size, end)
        pos += size


def _find(data: bytes, start: int, end: int, path: list[bytes]) -> list[tuple[int, int]]:
    if not path:
        return [(start, end)]
    found = []
    for kind, s, e in _iter_boxes(data, start, end):
        if kind == path[0]:
            found += _find(data, s, e, path[1:])
    return found


def describe_unreadable_video(path: Path) -> str:
    """One line on why FFmpeg could not open `path` (called after it failed)."""
    with path.open("rb") as fh:
        data = fh.read(_HEAD_BYTES)
    if len(data) == 0:
        return "the file is empty"
    if data[4:8] == b"ftyp":
        tracks = _find(data, 0, len(data), [b"moov", b"trak"])
        if not _find(data, 0, len(data), [b"moov"]):
            return "an MP4/MOV file with no movie header (truncated or still being written?)"
        codecs = []
        for ts, te in tracks:
            handler = _find(data, ts, te, [b"mdia", b"hdlr"])
            if handler and data[handler[0][0] + 8:handler[0][0] + 12] != b"vide":
                continue
            for ss, se in _find(data, ts, te, [b"mdia", b"minf", b"stbl", b"stsd"]):
                if se - ss >= 16:
                    codecs.append(data[ss + 12:ss + 16].decode("latin-1"))
        if not codecs:
            return "an MP4/MOV file with no video track (zero frames)"
        return (f"an MP4/MOV video whose codec {codecs[0]!r} this OpenCV/FFmpeg build "
                f"cannot decode")
    if data[:4] == b"\x1aE\xdf\xa3":
        return "a Matroska/WebM file OpenCV/FFmpeg cannot open (no video track or unknown codec)"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "an AVI file OpenCV/FFmpeg cannot open (no video track or unknown codec)"
    return "not a video file (expected MP4, MOV, MKV, WebM or AVI)"
