"""Benchmarks for Session Rooms: real daphne processes on loopback, figures against a baseline."""
