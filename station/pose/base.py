"""The PoseEstimator interface. Only station/pose/ imports mediapipe."""
from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType

from station.contracts import Frame, Pose

#: Landmarks whose visibility is below this become NaN (DESIGN.md: NaN, never guesses).
DEFAULT_MIN_VISIBILITY = 0.5


class PoseEstimator(ABC):
    """Turns a Frame into a Pose. Frames must be given in time order: estimators track
    the person from frame to frame like a live stream (detection, then tracking)."""

    @abstractmethod
    def estimate(self, frame: Frame) -> Pose:
        """Landmarks of the one person in `frame`; Pose.empty(...) when nobody is found."""

    def close(self) -> None:
        """Free the model."""

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
