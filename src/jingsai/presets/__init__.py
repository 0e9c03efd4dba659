"""Named configurations an install can load (``jingsai preset NAME``)."""

from jingsai.presets import pudong

PRESETS = {"pudong": pudong}
