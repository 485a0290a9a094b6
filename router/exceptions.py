"""Every error the routing domain raises, under one base class."""

from __future__ import annotations


class RouterError(Exception):
    """Base class of the routing domain's errors."""


class UnknownService(RouterError, KeyError):
    """A request names a service code that the catalog does not define."""


class UnknownOffice(RouterError, KeyError):
    """A licence command names an office the registry has never seen."""


class UnknownPolicy(RouterError, KeyError):
    """A policy name that is not in the registry of written policies."""


class IllegalLicenceTransition(RouterError):
    """A lifecycle command that the licence's current status forbids."""


class InvalidLicence(RouterError, ValueError):
    """A licence whose fields contradict each other."""


class InvalidRequest(RouterError, ValueError):
    """A routing request whose fields are malformed."""


class InvalidPolicy(RouterError, ValueError):
    """A policy that is malformed or departs from neutrality without a written rule."""
