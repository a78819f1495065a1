"""LocalStack's ``Patch`` for a module constant, whatever its value.

``Patch.apply`` takes a falsy current value (``False``, ``0``, empty) for a
missing attribute and raises, and ``Patch.undo`` then deletes the attribute
instead of restoring it. A value target has already found its attribute
(``Target.problem``), so this sets and restores it as it is, in the same
bookkeeping (``Patch.applied_patches``).
"""

from __future__ import annotations

from localstack.utils.patch import Patch


class ValuePatch(Patch):
    def apply(self) -> None:
        if self.is_applied:
            return
        setattr(self.obj, self.name, self.new)
        Patch.applied_patches.append(self)
        self.is_applied = True

    def undo(self) -> None:
        if not self.is_applied:
            return
        setattr(self.obj, self.name, self.old)
        Patch.applied_patches.remove(self)
        self.is_applied = False
