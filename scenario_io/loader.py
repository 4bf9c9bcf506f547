"""Scenario YAML -> `ScenarioInputs`: prices per month, profiles, GPU offers, catalogue cards.

Relative paths in a scenario are relative to the scenario file. Every failure is an
`InputError` naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from datafiles import InputError, parse_as, read_yaml
from models import ModelCatalog, load_catalog
from models.catalog import ModelCard
from pricing import GpuSheet, GpuType, PriceBook, load_gpu_sheet, load_overrides, load_price_catalog
from pricing.catalog import PriceCatalog
from pricing.gpus import TERM_WORDS
from pricing.overrides import DEFAULT_OVERRIDES
from profiling.bundled import reference_profiles
from profiling.schema import Profile
from scenario_io.eval_ref import with_eval
from scenario_io.references import References, pointed_at
from tco.records.inputs import (
    ReferenceProfile,
    ResolvedApi,
    ResolvedDistillation,
    ResolvedOption,
    ResolvedSelfHosted,
    ScenarioInputs,
)
from tco.records.scenario import ApiOption, DistilledOption, Ownership, Scenario, SelfHostedOption

GPU_LOAD_FACTOR = 0.7
"""Average draw while serving as a share of the server's maximum power (tco.records.defaults)."""


@dataclass(frozen=True)
class Catalogues:
    """Everything a scenario can refer to, loaded once and shared (the app caches this)."""

    models: ModelCatalog
    gpus: GpuSheet
    prices: PriceCatalog
    references: tuple[ReferenceProfile, ...] = ()
    """Bundled profiles whose model and GPU are catalogued: what an option without a profile is transferred from."""


def reference_records(
    profiles: dict[str, Profile], models: ModelCatalog, gpus: GpuSheet
) -> tuple[ReferenceProfile, ...]:
    """The profiles whose model card and GPU the catalogues know (a GPU 'not recorded' cannot be scaled)."""
    out = []
    for name, profile in profiles.items():
        card = models.find(profile.meta.model)
        gpu = next((g for g in gpus.gpus if g.id.lower() == profile.meta.gpu.lower()), None)
        if card is not None and gpu is not None:
            out.append(ReferenceProfile(name, profile, card, gpu))
    return tuple(out)


def load_catalogues() -> Catalogues:
    models, gpus = load_catalog(), load_gpu_sheet()
    return Catalogues(models, gpus, load_price_catalog(), reference_records(reference_profiles(), models, gpus))


def load_scenario(path: Path | str) -> Scenario:
    return parse_as(Scenario, read_yaml(path), str(path))


def _resolve_api(
    option: ApiOption,
    index: int,
    book: PriceBook,
    cat: Catalogues,
    months: tuple[dt.date, ...],
    scenario: Scenario,
    file: str,
) -> ResolvedApi:
    hours = scenario.workload.hourly_factors
    field = f"options[{index}].model"
    prices = tuple(book.price(option.provider, option.model, m, hours, file, field) for m in months)
    card = cat.models.for_api(option.provider, option.model) or cat.models.find(option.model)
    retirement = cat.models.retirement(option.model, option.provider)
    if retirement is not None and retirement.retired_on > months[-1] + dt.timedelta(days=31):
        retirement = None  # announced for after the horizon
    return ResolvedApi(option, prices, card, retirement)


def _gpu_for(
    option: SelfHostedOption, profile: Profile | None, sheet: GpuSheet, file: str, index: int
) -> GpuType | None:
    if option.gpu is not None:
        return sheet.get(option.gpu, file, f"options[{index}].gpu")
    if profile is not None:
        return next((g for g in sheet.gpus if g.id.lower() == profile.meta.gpu.lower()), None)
    return None


def _filled_ownership(own: Ownership, gpu: GpuType | None, file: str, index: int) -> Ownership:
    """Fields left out come from the GPU sheet's purchase entry: price, GPUs per server, and the nameplate
    power, which is the provisioned kW colocation bills and, × the load factor 0.7, the average draw (energy).
    A user's own average draw implies its nameplate: provisioned = power_kw / 0.7."""
    if own.power_kw is not None and own.provisioned_kw is None:
        own = dataclasses.replace(own, provisioned_kw=own.power_kw / GPU_LOAD_FACTOR)
    missing = [f for f in ("server_usd", "gpus_per_server", "power_kw") if getattr(own, f) is None]
    if not missing:
        return own
    purchase = gpu.purchase if gpu else None
    if purchase is None:
        where = f"GPU {gpu.id!r} has no purchase entry in gpus.yaml" if gpu else "no gpu given"
        raise InputError(file, f"options[{index}].ownership.{missing[0]}", f"required ({where} to take it from)")
    return dataclasses.replace(
        own,
        server_usd=own.server_usd or purchase.server_usd,
        gpus_per_server=own.gpus_per_server or purchase.gpus_per_server,
        power_kw=own.power_kw or purchase.server_power_kw * GPU_LOAD_FACTOR,
        provisioned_kw=own.provisioned_kw or purchase.server_power_kw,
    )


def _resolve_self_hosted(
    option: SelfHostedOption,
    index: int,
    cat: Catalogues,
    refs: References,
    file: str,
    loaded: dict[str, Profile],
    student: ModelCard | None = None,
) -> ResolvedSelfHosted:
    """`student`: a distilled option's card (a student given by size has no catalogue entry; its profile may
    measure the base model under any name)."""
    profile = None
    profile_name = None
    if option.profile is not None:
        if option.profile in loaded:
            profile = loaded[option.profile]
        else:
            ref = option.profile
            profile = pointed_at(file, f"options[{index}].profile", lambda: refs.profile(ref))
            loaded[option.profile] = profile  # options sharing a profile file read it once
        profile_name = option.profile
        if student is None and profile.meta.model.lower() != option.model.lower():
            raise InputError(
                file,
                f"options[{index}].profile",
                f"profile {option.profile} measures {profile.meta.model!r}, but the option's model is {option.model!r}",
            )
    card = student or cat.models.find(option.model)
    if card is None and profile is None:
        raise InputError(
            file, f"options[{index}].model", f"unknown model {option.model!r}: add it to models/data or give a profile"
        )
    gpu = _gpu_for(option, profile, cat.gpus, file, index)
    gpus_per_replica = option.gpus_per_replica or (profile.meta.gpu_count if profile else None)
    source = "given" if option.gpus_per_replica else ("profile" if profile else "none")
    ownership = None
    usd_per_gpu_hour = None
    if option.ownership is not None:
        ownership = _filled_ownership(option.ownership, gpu, file, index)
        assert ownership.gpus_per_server is not None and ownership.server_usd is not None
        unit_gpus = ownership.gpus_per_server
        label = f"owned, ${ownership.server_usd:,.0f} per {unit_gpus}-GPU server"
    elif option.term is not None:
        assert gpu is not None
        offers = gpu.offers_for(option.term)
        if option.offer_provider is not None:
            offers = tuple(o for o in offers if o.provider.lower() == option.offer_provider.lower())
        if not offers:
            raise InputError(
                file,
                f"options[{index}].term",
                f"the GPU sheet (gpus.yaml) has no {TERM_WORDS[option.term]} offer for {gpu.id}"
                + (f" from {option.offer_provider!r}" if option.offer_provider else "")
                + f"; it has: {gpu.offers_words()}. Choose one of those terms, or give usd_per_gpu_hour",
            )
        offer = min(offers, key=lambda o: o.usd_per_gpu_hour)  # the engine then picks by the fleet's total
        usd_per_gpu_hour = offer.usd_per_gpu_hour
        unit_gpus = offer.gpus_per_instance
        label = offer.label()
    else:
        usd_per_gpu_hour = option.usd_per_gpu_hour
        unit_gpus = 1
        label = f"${usd_per_gpu_hour:.2f}/GPU-h (scenario)"
    return ResolvedSelfHosted(
        option=option,
        card=card,
        profile=profile,
        profile_name=profile_name,
        gpu=gpu,
        gpus_per_replica=gpus_per_replica,
        gpus_per_replica_source=source,
        unit_gpus=unit_gpus,
        usd_per_gpu_hour=usd_per_gpu_hour,
        price_label=label,
        ownership=ownership,
        offers=offers if option.term is not None and option.ownership is None else (),
        references=cat.references if profile is None else (),
    )


def _student_card(option: DistilledOption, index: int, cat: Catalogues, file: str, today: dt.date) -> ModelCard:
    student = option.student
    if student.model is not None:
        card = cat.models.get(student.model, file, f"options[{index}].student.model")
        if card.total_params_b is None:
            raise InputError(
                file, f"options[{index}].student", f"{card.id} has no parameter count in the catalogue; give params_b"
            )
        return card
    assert student.params_b is not None
    return ModelCard(
        id=option.id, name=f"student {option.id} ({student.params_b:g}B)", family="student", vendor="",
        open_weights=True, license="", context_tokens=None, as_of=today, api=(), total_params_b=student.params_b,
        active_params_b=student.active_params_b or student.params_b,
    )  # fmt: skip


def _resolve_distilled(
    option: DistilledOption,
    index: int,
    cat: Catalogues,
    scenario: Scenario,
    refs: References,
    file: str,
    loaded: dict[str, Profile],
    today: dt.date,
) -> ResolvedSelfHosted:
    """The student served as a self-hosted option, with its project's references resolved: the training GPU
    (project.gpu, else the serving GPU or the profile's), its price (the project's, else the sheet's cheapest
    on-demand offer) and instance size."""
    kinds = {o.id: o.kind for o in scenario.options}
    if kinds.get(option.teacher) not in ("api", "self_hosted"):
        what = "a distilled option" if kinds.get(option.teacher) == "distilled" else "no option"
        raise InputError(
            file,
            f"options[{index}].teacher",
            f"{option.teacher!r} is {what}; expected the id of an API or self-hosted option of this scenario "
            f"({', '.join(oid for oid, kind in kinds.items() if kind != 'distilled')})",
        )
    card = _student_card(option, index, cat, file, today)
    if option.student.model is None and option.serving.profile is None:
        raise InputError(
            file,
            f"options[{index}].serving.profile",
            "required for a student given by size: a roofline estimate needs its architecture (layers, KV heads); "
            "give a profile of the base model (`inference-roi profile`) or a catalogue student.model",
        )
    try:
        served = _resolve_self_hosted(option.serving_option(), index, cat, refs, file, loaded, student=card)
    except InputError as err:  # the serving fields sit under `serving:` in a distilled option
        field = (err.field or "").replace(f"options[{index}].", f"options[{index}].serving.", 1)
        raise InputError(err.file, field, err.expected) from None
    project = option.project
    where = f"options[{index}].project"
    example = project.prompt_tokens + project.completion_tokens
    if card.max_context_tokens is not None and example > card.max_context_tokens:
        raise InputError(
            file,
            f"{where}.completion_tokens",
            f"an example of {example:,.0f} tokens (prompt + completion) exceeds {card.id}'s context of "
            f"{card.max_context_tokens:,} tokens: the student cannot be trained on it",
        )
    gpu_id = project.gpu or option.serving.gpu or (served.gpu.id if served.gpu else None)
    if gpu_id is None:
        raise InputError(file, f"{where}.gpu", "required: the GPU sheet entry to train on (e.g. H100)")
    gpu = cat.gpus.get(gpu_id, file, f"{where}.gpu")
    usd, instance = project.usd_per_gpu_hour, project.gpus_per_instance or 8
    if project.fine_tune_usd_per_mtok is not None:
        usd, label = None, f"fine-tuning API at ${project.fine_tune_usd_per_mtok:g}/Mtok of training tokens"
    elif usd is not None:
        label = f"${usd:.2f}/GPU-h (scenario) in {instance}-GPU instances"
    else:
        offers = gpu.offers_for("on_demand")
        if not offers:
            raise InputError(
                file, f"{where}.usd_per_gpu_hour", f"required: gpus.yaml has no on-demand offer for {gpu.id}"
            )
        offer = min(offers, key=lambda o: o.usd_per_gpu_hour)
        usd, label = offer.usd_per_gpu_hour, offer.label()
        instance = project.gpus_per_instance or offer.gpus_per_instance
    assert card.total_params_b is not None
    teacher = next(i for i, o in enumerate(scenario.options) if o.id == option.teacher)
    distillation = ResolvedDistillation(
        option=option,
        teacher_index=teacher,
        total_params_b=card.total_params_b,
        active_params_b=card.active_params_b or card.total_params_b,
        train_gpu=gpu,
        usd_per_gpu_hour=usd,
        gpus_per_instance=instance,
        price_label=label,
    )
    return dataclasses.replace(served, distillation=distillation)


def resolve_scenario(
    scenario: Scenario,
    file: str,
    catalogues: Catalogues,
    *,
    refs: References | None = None,
    today: dt.date | None = None,
) -> ScenarioInputs:
    """Resolve every reference. `refs` says where the files a scenario names come from (scenario_io.references):
    by default, paths relative to the scenario file (a scenario the user opened from disk); the app passes an
    allow-list of bundled files and this session's uploads."""
    refs = refs or References.on_disk(Path(file).parent)
    overrides_path = DEFAULT_OVERRIDES
    if scenario.api_overrides is not None:
        ref = scenario.api_overrides
        overrides_path = pointed_at(file, "api_overrides", lambda: refs.overrides_path(ref))
    # the user's own overrides file is named with the field that points at it; the bundled one stands alone
    load = lambda: load_overrides(overrides_path)  # noqa: E731
    table = pointed_at(file, "api_overrides", load) if scenario.api_overrides is not None else load()
    own = {(row.provider.lower(), row.model.lower()): row for row in scenario.overrides}
    # a scenario's discount for a model the file prices sits on the file's prices (it knocked the option out:
    # "unknown provider 'deepinfra'", a reviewer's 10 % on batch-summariser's pick)
    beneath = {key: table[key] for key in own if key in table}
    table.update(own)
    book = PriceBook(catalogues.prices, table, overrides_path.name, beneath)
    today = today or dt.date.today()
    months = scenario.month_starts(today)
    resolved: list[ResolvedOption] = []
    known: dict[str, Profile] = {}  # each profile file read once, however many options name it
    for i, listed in enumerate(scenario.options):
        option = with_eval(listed, i, refs, file)
        if isinstance(option, ApiOption):
            resolved.append(_resolve_api(option, i, book, catalogues, months, scenario, file))
        elif isinstance(option, DistilledOption):
            resolved.append(_resolve_distilled(option, i, catalogues, scenario, refs, file, known, today))
        else:
            resolved.append(_resolve_self_hosted(option, i, catalogues, refs, file, known))
    return ScenarioInputs(scenario, tuple(resolved), months, book.version, file)


def load_inputs(path: Path | str, catalogues: Catalogues | None = None, today: dt.date | None = None) -> ScenarioInputs:
    """Read and resolve a scenario file in one call (the CLI's path)."""
    scenario = load_scenario(path)
    return resolve_scenario(scenario, str(path), catalogues or load_catalogues(), today=today)
