"""Invented people for tests: valid tax codes computed from invented data (never a real person).

The generator is the simulator's (`cantiere_simulator.invented`); these are the tests' fixed people.
"""

from __future__ import annotations

from datetime import date

from cantiere_simulator.invented import tax_code, vat_number

__all__ = ["PEOPLE", "tax_code", "vat_number"]

PEOPLE = {
    "Fiordaliso Quartarella": tax_code("Fiordaliso", "Quartarella", date(1990, 4, 17), female=True),
    "Ginestra Pervinchi": tax_code("Ginestra", "Pervinchi", date(1985, 11, 3), female=True),
    "Oleandro Zampognaro": tax_code("Oleandro", "Zampognaro", date(1979, 2, 28), female=False),
}
