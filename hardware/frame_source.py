"""The FrameSource interface: where frames come from (file, webcam, picamera2, synthetic).

A source hands out upright RGB frames with their capture time. `read()` returns None
at the end of a finite stream; a live source that fails raises SourceError.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType

from station.contracts import Frame


class FrameSource(ABC):
    """Open on construction or on `open()`; use as a context manager to be sure it closes."""

    #: Nominal frames per second of the capture (after any time scaling).
    fps: float
    #: (width, height) of the upright frames.
    size_px: tuple[int, int]
    #: True for a live source (camera, paced synthetic): frames are not all guaranteed
    #: to be processed, and `read()` blocks until the next frame is due.
    live: bool = False

    def open(self) -> None:
        """Acquire the device or file. Sources that open in __init__ leave this as is."""

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None when a finite source has ended."""

    @abstractmethod
    def close(self) -> None:
        """Release the device or file. Safe to call twice."""

    @property
    def frame_count(self) -> int | None:
        """Frames in a finite source when known, else None."""
        return None

    def __enter__(self) -> "FrameSource":
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __iter__(self):
        while (frame := self.read()) is not None:
            yield frame
