"""A reproducible synthetic test corpus: speech-like audio, keypad tones, telephone impairments.

Shared by the test suite and `bench/analysis.py` so that the rates the benchmark reports are
measured on exactly the kind of audio the tests check.
"""
