"""Rows to dicts, in the spec's field order; serializers never query."""
