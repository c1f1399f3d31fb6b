"""Native Arabic CAMEO event coding: the ``events`` stage, its pattern dictionary, time and
place resolution, and ``marsad explain``."""

from .coder import Candidate, EventCoder
from .patterns import PatternBook
from .records import Event, Location, Role, Trigger

__all__ = ["Candidate", "Event", "EventCoder", "Location", "PatternBook", "Role", "Trigger"]
