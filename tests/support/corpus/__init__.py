"""A reproducible synthetic test corpus: speech-like audio, keypad tones, telephone impairments.

Shared by the test suite and `bench/analysis.py` so that the rates the benchmark reports are
measured on exactly the kind of audio the tests check. It lives under `tests/`, not in the
package, because the product never synthesises audio: the wheel ships product code only.
"""
