"""An import-linter contract that no module imports, through any chain, a module importing it.

import-linter's own `acyclic_siblings` compares siblings (the modules of one package, or whole
packages), so it misses a package's `__init__` and one of its modules importing each other, or a
cycle whose modules lie in different packages. This one looks at every module. It is build
tooling, registered in pyproject.toml's `[tool.importlinter]` (`lint-imports` runs from the
repository's root, which is on its path).
"""

from __future__ import annotations

from typing import cast

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ModuleCyclesContract(Contract):
    """Options: `packages` (whose modules are checked), `skip` (packages left out)."""

    type_name = "module_cycles"

    packages = fields.ListField(subfield=fields.StringField())
    skip = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        skipped = cast(list[str], self.skip or [])  # fields hold their parsed values here
        roots = cast(list[str], self.packages)

        def checked(module: str) -> bool:
            inside = any(module == root or module.startswith(f"{root}.") for root in roots)
            left_out = any(module == skip or module.startswith(f"{skip}.") for skip in skipped)
            return inside and not left_out

        cycles: list[list[str]] = []
        seen: set[frozenset[str]] = set()
        for importer in sorted(filter(checked, graph.modules)):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not checked(imported) or imported == importer:
                    continue
                back = graph.find_shortest_chain(importer=imported, imported=importer)
                if back is None:
                    continue
                members = frozenset(back)
                if members not in seen:
                    seen.add(members)
                    cycles.append([importer, *back])
        return ContractCheck(kept=not cycles, warnings=None, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(" -> ".join(cycle), bold=False)
            output.new_line()
