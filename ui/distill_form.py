"""The Compare page's distilled options: the form that adds a student (trained on a teacher's outputs, then
served on GPUs) and the list of those in the scenario, each removable. The project's arithmetic is
tco.cost.distillation's; this only writes the option into the scenario mapping."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import loaders, state
from ui.forms import key, seeded, tidy
from ui.options_form import ADDED, TERMS, unique_id
from ui.tables import escape_markdown

DEFAULT_STUDENT = "qwen3-32b"
METHODS = {"Full fine-tune (6ND, 16 B/param)": "full", "LoRA (≈4ND, frozen weights)": "lora"}


def add_distilled_option(
    data: dict[str, Any],
    student: str,
    teacher: str,
    project: dict[str, Any],
    serving_gpu: str,
    term: str,
) -> str:
    """Append a distilled option; a re-distillation period of 0, or eval tasks of 0, are left out."""
    option_id = unique_id(data, f"{student}-distilled")
    project = {k: tidy(v) for k, v in project.items() if v not in (None, 0, "")}
    serving: dict[str, Any] = {"gpu": serving_gpu}
    if term == "owned":
        serving["ownership"] = {}
    else:
        serving["term"] = term
    option = {
        "id": option_id,
        "kind": "distilled",
        "student": {"model": student},
        "teacher": teacher,
        "project": project,
        "serving": serving,
    }
    data.setdefault("options", []).append(option)
    return option_id


def _on_add() -> None:
    s = st.session_state
    state.reset_form(key("options.table"))
    project = {
        "examples": int(s[key("distil.examples")]),
        "prompt_tokens": float(s[key("distil.prompt")]),
        "completion_tokens": float(s[key("distil.completion")]),
        "epochs": float(s[key("distil.epochs")]),
        "method": METHODS[s[key("distil.method")]],
        "gpu": s[key("distil.train_gpu")],
        "eval_tasks": int(s[key("distil.eval_tasks")]),
        "redistill_every_months": int(s[key("distil.redistill")]),
        "batch_share": 1.0 if s[key("distil.batch")] else 0,
        "fine_tune_usd_per_mtok": float(s[key("distil.ft_price")]),
    }
    option_id = add_distilled_option(
        state.data(),
        s[key("distil.student")],
        s[key("distil.teacher")],
        project,
        s[key("distil.serving_gpu")],
        TERMS[s[key("distil.term")]],
    )
    s[ADDED] = f"Added {option_id}, distilled from {s[key('distil.teacher')]}; its project is priced in the results."


def _on_remove(option_id: str) -> None:
    data = state.data()
    data["options"] = [o for o in data.get("options", []) if o.get("id") != option_id]


def render(data: dict[str, Any]) -> None:
    """The distilled options in the scenario (each removable), then the form to add one."""
    options = data.get("options", [])
    for option in (o for o in options if o.get("kind") == "distilled"):
        project = option.get("project") or {}
        examples = project.get("examples")
        student = (option.get("student") or {}).get("model") or "a student given by size"
        text = (
            f"{option.get('id')}: {student} taught by {option.get('teacher')}, "
            f"{f'{examples:,}' if isinstance(examples, int) else '?'} examples, {project.get('method', 'full')}"
        )
        left, right = st.columns([6, 1])
        left.markdown(escape_markdown(text))
        right.button(
            "Remove", key=key(f"distil.remove.{option.get('id')}"), on_click=_on_remove, args=(option.get("id"),)
        )
    # the APIs first: the usual teacher is the frontier model the team pays for today
    teachers = [o["id"] for o in options if o.get("kind") == "api" and "id" in o]
    teachers += [o["id"] for o in options if o.get("kind") == "self_hosted" and "id" in o]
    with st.expander("Distil or fine-tune a student", icon=":material/school:"):
        if not teachers:
            st.info("Add the teacher first: an API or self-hosted option whose outputs the student learns from.")
            return
        _form(teachers)


def _form(teachers: list[str]) -> None:
    cat = loaders.catalogues()
    # smallest first: a student is the cheap model to serve; Qwen3-32B (dense) by default where catalogued
    cards = sorted((m for m in cat.models.models if m.open_weights and m.total_params_b is not None),
                   key=lambda m: m.total_params_b or 0)  # fmt: skip
    students = [m.id for m in cards]
    default = DEFAULT_STUDENT if DEFAULT_STUDENT in students else students[0]
    gpus = [g.id for g in cat.gpus.gpus]
    h100 = "H100" if "H100" in gpus else gpus[0]
    with st.form(key("form.distil"), border=False):
        left, right = st.columns(2)
        left.selectbox("Student (open model to train)", students, key=seeded("distil.student", default, students))
        right.selectbox("Teacher (writes the examples)", teachers, key=key("distil.teacher"))
        a, b, c, d = st.columns(4)
        a.number_input("Examples", min_value=1, max_value=10**9, step=1000, key=seeded("distil.examples", 50_000))
        b.number_input("Prompt tokens / example", min_value=1, max_value=10**6, key=seeded("distil.prompt", 800))
        c.number_input(
            "Completion tokens / example",
            min_value=1,
            max_value=10**6,
            key=seeded("distil.completion", 3000),
            help="Reasoning traces included: what the teacher writes and the student learns",
        )
        d.number_input(
            "Epochs",
            min_value=0.1,
            max_value=100.0,
            step=1.0,
            key=seeded("distil.epochs", 3.0),
            help="How many times training passes over every example; GPU hours grow in step",
        )
        left, right = st.columns(2)
        left.radio(
            "Method",
            list(METHODS),
            key=key("distil.method"),
            help="Full fine-tune trains every weight: about 6 FLOPs per parameter per token (6ND), 16 bytes "
            "of GPU memory per parameter. LoRA trains small adapters on frozen weights: about 4ND, far less "
            "memory, usually a little less quality",
        )
        right.selectbox(
            "Training GPU",
            gpus,
            index=gpus.index(h100),
            key=key("distil.train_gpu"),
            help="Priced at the GPU sheet's cheapest on-demand offer, in whole instances",
        )
        left, right = st.columns(2)
        left.selectbox("Serving GPU", gpus, index=gpus.index(h100), key=key("distil.serving_gpu"))
        right.selectbox("Serving pricing", list(TERMS), key=key("distil.term"))
        left, right = st.columns(2)
        left.number_input(
            "Eval tasks run on the teacher",
            min_value=0,
            max_value=10**7,
            step=100,
            key=seeded("distil.eval_tasks", 500),
            help="Test tasks the teacher answers to check the student against it; paid at the teacher's price",
        )
        right.number_input(
            "Re-distil every N months (0 = never)", min_value=0, max_value=120, step=1, key=key("distil.redistill")
        )
        left, right = st.columns(2)
        left.checkbox(
            "Generate the data at the teacher API's batch price",
            key=key("distil.batch"),
            help="Offline generation through the batch API (half price at OpenAI and Anthropic)",
        )
        right.number_input(
            "Or train through a fine-tuning API: $/Mtok of training tokens (0 = rented GPUs)",
            min_value=0.0,
            max_value=10_000.0,
            step=0.5,
            key=key("distil.ft_price"),
        )
        st.caption(
            "Training is an estimate: 6·N·D FLOPs (full; ≈4·N·D LoRA) at the default MFU (derived from s1's "
            "published GPU-hours), on at least the memory floor's GPUs. Edit the saved YAML for the MFU, the "
            "GPU price or count, or the serving profile."
        )
        st.form_submit_button("Add distilled option", on_click=_on_add)
