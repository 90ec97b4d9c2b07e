"""Collectors read one source each and return typed evidence plus the lineage edges they know."""

from ailm.collectors.base import CollectContext, Collection, Collector, create

__all__ = ["CollectContext", "Collection", "Collector", "create"]
