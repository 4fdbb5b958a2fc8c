"""phiguard: find and blur PHI in workplace photos and captions."""

__version__ = "0.1.0"
