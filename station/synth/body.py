"""Body dimensions of the synthetic runner, in cm, scaled from standing height.

Segment fractions follow Winter's anthropometric table (Biomechanics and Motor Control
of Human Movement): thigh 0.245 H, shank 0.246 H, foot 0.152 H, upper arm 0.186 H, ...
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Body:
    height_cm: float
    thigh_cm: float
    shank_cm: float
    foot_cm: float             # heel to toe tip
    ankle_fwd_cm: float        # ankle ahead of the heel back (foot frame)
    ankle_up_cm: float         # ankle above the sole
    trunk_cm: float            # hip-joint midpoint to shoulder midpoint, standing
    rib_joint_frac: float      # where the thorax turns on the lumbar spine, fraction of trunk
    neck_cm: float             # shoulder midpoint to ear level
    upper_arm_cm: float
    forearm_cm: float
    hand_cm: float
    hip_half_width_cm: float
    shoulder_half_width_cm: float
    ear_half_width_cm: float

    @property
    def leg_cm(self) -> float:
        return self.thigh_cm + self.shank_cm

    def scale(self, cm_at_175: float) -> float:
        """A dimension quoted for a 175 cm adult, scaled to this body."""
        return cm_at_175 * self.height_cm / 175.0


def body_for_height(height_cm: float) -> Body:
    h = float(height_cm)
    return Body(
        height_cm=h,
        thigh_cm=0.245 * h,
        shank_cm=0.246 * h,
        foot_cm=0.152 * h,
        ankle_fwd_cm=0.032 * h,
        ankle_up_cm=0.039 * h,
        trunk_cm=0.288 * h,
        rib_joint_frac=0.45,
        neck_cm=0.095 * h,
        upper_arm_cm=0.186 * h,
        forearm_cm=0.146 * h,
        hand_cm=0.108 * h,
        hip_half_width_cm=0.05 * h,
        shoulder_half_width_cm=0.105 * h,
        ear_half_width_cm=0.043 * h,
    )
