"""Build a PoseLandmarker `.task` bundle from the BlazePose models inside the mediapipe wheel.

Google's pose_landmarker_full.task holds the same two networks as the legacy graph
(detector + full landmark model) with normalization metadata. Building one here lets the
Tasks backend be tested offline, and lets a station without internet use it.
"""
from __future__ import annotations

import gc
import warnings
from pathlib import Path

from station.native_stderr import native_stderr_silenced

with native_stderr_silenced():
    import mediapipe as mp
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

# Input normalization the two BlazePose networks were trained with:
# detector: pixels to [-1, 1]; landmark model: pixels to [0, 1].
_DETECTOR_NORM = (127.5, 127.5)
_LANDMARKS_NORM = (0.0, 255.0)


def _with_image_metadata(model: bytes, name: str, mean: float, std: float) -> bytes:
    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    try:
        writer.add_general_info(name, "BlazePose network from the mediapipe wheel")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])
        with warnings.catch_warnings():
            # mediapipe's populator opens the model as a zip and never closes the file;
            # collect it here, quietly, rather than in whatever code runs next.
            warnings.simplefilter("ignore", ResourceWarning)
            model_out = bytes(writer.populate()[0])
            gc.collect()
        return model_out
    finally:
        # The writer leaves its scratch folder to __del__, which may run after the
        # folder's own finalizer and warn; clean it up now.
        writer._temp_folder.cleanup()


def build_bundled_full_task(out_path: str | Path) -> Path:
    """Write pose_landmarker (full) .task built from the wheel's tflite files."""
    modules = Path(mp.__file__).parent / "modules"
    detector = (modules / "pose_detection" / "pose_detection.tflite").read_bytes()
    landmarks = (modules / "pose_landmark" / "pose_landmark_full.tflite").read_bytes()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    model_asset_bundle_utils.create_model_asset_bundle(
        {
            "pose_detector.tflite": _with_image_metadata(detector, "pose_detector", *_DETECTOR_NORM),
            "pose_landmarks_detector.tflite": _with_image_metadata(
                landmarks, "pose_landmarks_detector", *_LANDMARKS_NORM),
        },
        str(out),
    )
    return out
