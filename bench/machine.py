"""What a benchmark ran on, with a speed reference, so that results from different machines can be compared.

Machines of the same size differ: the same code measured 2-3x slower on one 2-core VM than on another.
``cpu_reference_ms`` is the best of 21 runs (7 x 3) of ``sum(range(10**6))`` in this Python: a result divided by it
travels between machines better than the raw time does.
"""

from __future__ import annotations

import os
import platform
import timeit


def machine() -> dict[str, object]:
    best = min(timeit.repeat("sum(range(10**6))", number=3, repeat=7)) / 3
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_reference_ms": round(best * 1000, 1),
    }
