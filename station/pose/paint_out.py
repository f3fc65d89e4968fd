"""Hide everyone but the subject from a single-person tracker.

The legacy solution graph follows whoever it detects; painting the other people's boxes a
flat grey leaves it only the subject to find. The subject's own box is restored after, so
a bystander overlapping them (or the model finding the subject twice) never hides them.
"""
from __future__ import annotations

import numpy as np

from station.contracts import Pose

#: Box margins, as a fraction of the box's larger side: landmarks sit inside the body
#: outline, and a limb the model did not see still belongs to the person.
OTHER_MARGIN = 0.15
SUBJECT_MARGIN = 0.30
GREY = 128


def pose_box_px(pose: Pose, margin: float, width_px: int,
                height_px: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the seen landmarks plus `margin`, clipped; None if unseen."""
    xy = pose.xy[np.isfinite(pose.xy[:, 0])]
    if len(xy) < 2:
        return None
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    pad = margin * max(x1 - x0, y1 - y0, 1.0)
    box = (int(max(0, x0 - pad)), int(max(0, y0 - pad)),
           int(min(width_px, x1 + pad + 1)), int(min(height_px, y1 + pad + 1)))
    return box if box[2] > box[0] and box[3] > box[1] else None


def paint_out_others(image: np.ndarray, subject: Pose, others: list[Pose]) -> np.ndarray:
    """A copy of `image` (HxWx3) with `others` painted grey, `subject` left as it was.
    Returns `image` itself when there is nobody to hide."""
    h, w = image.shape[:2]
    boxes = [b for b in (pose_box_px(p, OTHER_MARGIN, w, h) for p in others) if b is not None]
    if not boxes:
        return image
    out = image.copy()
    for x0, y0, x1, y1 in boxes:
        out[y0:y1, x0:x1] = GREY
    keep = pose_box_px(subject, SUBJECT_MARGIN, w, h)
    if keep is not None:
        x0, y0, x1, y1 = keep
        out[y0:y1, x0:x1] = image[y0:y1, x0:x1]
    return out
