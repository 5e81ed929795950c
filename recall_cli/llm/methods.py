"""The service's model methods (``Recall`` inherits them: one door, kept in this package so the
service module stays readable)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from .model import model_trusted

if TYPE_CHECKING:
    from ..service import Recall


class ModelMethods:
    """Mixin for Recall: the active LLM's facts, the models on this machine, choosing and pulling."""

    def llm_failures(self) -> dict[str, int]:
        """Structured-output failures of the LLM so far, by purpose."""
        from .structured import failure_counts

        svc = cast("Recall", self)
        if not svc.config.db_path.exists():
            return {}
        return failure_counts(svc.store)

    def model_info(self) -> dict[str, Any]:
        """The active LLM's file facts and settings, with its failure counts and the memories
        it proposed that the grounding check rejected."""
        from ..memory.rejection import rejection_counts
        from .catalog import model_info

        svc = cast("Recall", self)
        data = model_info(svc.config)
        sized = SimpleNamespace(parameters=data.get("parameters"))
        # which jobs it does: the same decision `ask` and `consolidate` make (model.model_trusted)
        data["answers"] = ("the model" if model_trusted(svc.config, "ask.model_answers", sized)
                           else "the evidence's own words (ask.model_answers)")
        proposes = model_trusted(svc.config, "consolidate.model_proposes", sized)
        data["memories"] = ("the model, checked, and zero-LLM summaries" if proposes
                            else "zero-LLM summaries and shell procedures (consolidate.model_proposes)")
        data["summaries"] = ("the model, checked"
                             if proposes and model_trusted(svc.config, "consolidate.model_summarises", sized)
                             else "zero-LLM (consolidate.model_summarises)")
        if svc.config.db_path.exists():
            data["structured_output_failures"] = self.llm_failures()
            data["consolidation_rejected"] = rejection_counts(svc.store)
        return data

    def list_models(self) -> list[dict[str, Any]]:
        """Models on this machine (``active``: in use) and the catalogue's not yet downloaded."""
        from .catalog import list_models

        return list_models(cast("Recall", self).config)

    def use_model(self, name: str) -> dict[str, Any]:
        """Make a model (a name `list_models` shows, or a path) the LLM; checked before saving."""
        from .catalog import use_model

        svc = cast("Recall", self)
        info = use_model(svc.config, name)
        svc.forget_llm()
        return info

    def pull_model(self, name: str, progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
        """Download a catalogue model into RECALL_HOME/models (resumable, sha256-checked)."""
        from .catalog import pull_model

        return pull_model(cast("Recall", self).config, name, progress)
