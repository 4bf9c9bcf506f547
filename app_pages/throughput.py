"""Throughput: upload or import profiles, see latency against load, the level the SLO picks and why."""

import streamlit as st

from datafiles import InputError
from ui import charts, loaders, options_form, slo_form, state, tables

st.title("Throughput")
st.caption(
    "Profiles from `inference-roi profile` (YAML or CSV), or result files of vLLM bench serve, SGLang "
    "bench_serving, InferenceX, llm-d benchmark reports, guidellm or AIPerf (JSON/JSONL/YAML), converted on "
    "upload. Uploads stay in this browser session."
)

with st.form("tp.upload_form", clear_on_submit=False):
    upload = st.file_uploader(
        "Profile or benchmark result",
        type=["yaml", "yml", "csv", "json", "jsonl"],
        key="tp.upload",
        help=f"At most {loaders.MAX_UPLOAD_BYTES // 1024} KiB.",
    )
    st.caption("Only for imported result files that do not record them:")
    cols = st.columns(4)
    meta = {
        "model": cols[0].text_input("Model id", key="tp.meta.model") or None,
        "gpu": cols[1].text_input("GPU", key="tp.meta.gpu") or None,
        "gpu_count": cols[2].number_input("GPUs", min_value=0, max_value=1024, key="tp.meta.gpus") or None,
        "engine": cols[3].text_input("Engine", key="tp.meta.engine") or None,
    }
    submitted = st.form_submit_button("Add profile")
if submitted and upload is not None:
    try:
        profile = loaders.profile_from_upload(upload.getvalue(), upload.name, meta)
    except InputError as err:
        st.error(f"{upload.name} was not added: {err}", icon=":material/error:")
    else:
        state.add_profile(upload.name, profile)
        st.session_state["tp.profile"] = state.profile_label(upload.name, profile)
        st.success(
            f"Added {upload.name}: {profile.meta.model} on {profile.meta.gpu_count} x {profile.meta.gpu} "
            f"({profile.meta.engine}), {len(profile.levels)} levels, {profile.meta.source}."
        )
elif submitted:
    st.warning(
        f"Choose a file first (at most {loaders.MAX_UPLOAD_BYTES // 1024} KiB: the uploader refuses a larger one)."
    )

analysis = state.analysis()
if analysis is None:
    st.stop()
profiles = state.all_profiles()
labels = {state.profile_label(r, p): r for r, p in profiles.items()}
used = [ref for o in analysis.scenario.options if (ref := getattr(o, "profile", None)) in profiles]
in_use = [state.profile_label(ref, profiles[ref]) for ref in used]
if st.session_state.get("tp.profile") not in labels:
    st.session_state["tp.profile"] = (in_use or list(labels))[0]
ref = labels[st.selectbox("Profile", list(labels), key="tp.profile")]
profile = profiles[ref]
view = state.profile_view(analysis, ref)
cls = max(analysis.scenario.workload.request_classes, key=lambda c: c.share)
m = profile.meta
st.markdown(
    f"**{m.model}** on {m.gpu_count} x {m.gpu}, {m.engine}{' ' + m.engine_version if m.engine_version else ''}"
    f" — source: **{m.source}**" + (f" ({tables.escape_markdown(m.citation)})" if m.citation else "")
)
measured_tokens = sum(lv.input_tokens + lv.output_tokens for lv in profile.levels) / len(profile.levels)
scale = measured_tokens / (cls.input_tokens + cls.output_tokens)
if not 0.5 <= scale <= 2:
    st.warning(
        f"Measured at about {measured_tokens:,.0f} tokens a request; the workload's main class is "
        f"{cls.input_tokens:,.0f} in / {cls.output_tokens:,.0f} out, so its capacity is extrapolated ×{scale:.2g} "
        "from another shape. Measure at your own shape (`inference-roi profile --input-tokens … --output-tokens …`) "
        "before relying on it.",
        icon=":material/warning:",
    )
if m.source != "measured":
    st.info(f"These figures are {m.source}, not measured by you: replace them with your own profile when you can.")
st.markdown(f"SLO: {slo_form.summary(analysis.scenario.slo)}. {view.chosen}")
for note in view.capacity.notes:
    st.caption(note)
if any(r.implausible for r in view.rows):
    st.warning(
        "Some levels report more requests/s than the GPUs' compute and memory bandwidth allow for this model "
        "(the physical ceiling): check the GPU type and count, and the measurement."
    )
if view.model is not None:
    fitted = view.model
    st.caption(
        f"Performance model fitted to all {len(profile.levels)} levels ({len(fitted.shapes)} shape(s)): "
        f"expected error ±{(fitted.expected_error or 0):.0%} ({fitted.error_basis}). Lines are its prediction at "
        f"the workload's shape; markers are the measured levels at their own shapes."
    )
if view.memory_text:
    st.caption(f"Memory fit: {view.memory_text}")
bounds = {f"{metric.removesuffix('_s').upper()} {pct}": bound for metric, pct, bound in analysis.scenario.slo.bounds()}
left, right = st.columns(2)
with left:
    shape = f"{cls.input_tokens:,.0f}/{cls.output_tokens:,.0f}"
    charts.show(charts.latency_curves(view, bounds, "Latency vs load", shape), "latency-vs-load")
with right:
    charts.show(charts.pareto(view, "Throughput per GPU vs speed per user"), "throughput-pareto")
levels = tables.frame(view.rows)
levels["index"] += 1  # load levels counted from 1, as in the text above
st.dataframe(levels, hide_index=True, width="stretch", column_config=tables.LEVEL_COLUMNS)
if view.roofline is not None:
    estimate = view.roofline
    text = f"{estimate.req_per_s:.3g} req/s per replica" if estimate.req_per_s else "cannot meet the SLO"
    st.caption(
        f"Calibrated roofline estimate at this SLO for the workload's shape (not a measurement; expected error "
        f"±{(estimate.expected_error or 0):.0%}): {text}."
    )

st.subheader("Use this profile in an option")
with st.form("tp.use"):
    cat = loaders.catalogues()
    gpu_ids = [g.id for g in cat.gpus.gpus]
    cols = st.columns(3)
    gpu = cols[0].selectbox(
        "GPU price sheet entry", gpu_ids, index=gpu_ids.index(m.gpu) if m.gpu in gpu_ids else 0, key="tp.use.gpu"
    )
    term = cols[1].selectbox("Pricing", list(options_form.TERMS), key="tp.use.term")
    impl = cols[2].number_input("One-time implementation (USD)", min_value=0.0, step=10_000.0, key="tp.use.impl")
    if st.form_submit_button("Add self-hosted option"):
        option_id = options_form.add_self_hosted_option(
            state.data(), m.model, gpu, options_form.TERMS[term], ref, m.gpu_count, False, impl
        )
        st.success(f"Added option {option_id}; see Compare.")
        st.rerun()
