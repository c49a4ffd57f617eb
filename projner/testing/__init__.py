"""Helpers for running every pipeline offline: tiny models built from configs."""
