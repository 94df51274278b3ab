"""Deadline presets (期限), in working days, per city regulation — data only, in one place.

``ckanext.publicdata.deadline_preset`` picks the preset: ``bz-r`` (滨州 细则 2024, the default), ``su``
(苏州 实施细则 2023) or ``zb`` (淄博 管理办法 2024). Every entry cites the clause it comes from. Where a
city's text sets no figure for a step, the preset keeps the BZ-R figure and says so in ``clause``
("BZ-R 15 (SU 20: no figure)"), so every preset answers every key.

Count a deadline with :func:`ckanext.publicdata.workdays.add_workdays` (start day not counted).

Keys:

=========================== ==========================================================================
feedback_handle             provider handles an error/omission report (纠错/异议) — FB-1
feedback_extension_cap      longest total period after an approved extension; == feedback_handle means
                            no extension is provided for — FB-1
complaint_forward           authority forwards a report sent to it to the provider — FB-1 (ZB 17)
demand_review               authority's formal review of a demand for unopened data — DEM-1
demand_provider             provider answers the demand (already open / can open / cannot) — DEM-1
demand_open                 provider opens the data after answering "can open" — DEM-1
catalog_change_provider     provider files the catalog change after a legal/mandate change — TAX-7
catalog_change_authority    authority decides on a catalog change — TAX-7
access_formal_review        authority's formal review (规范性审查) of an access application — ACC-4
access_provider_review      provider reviews an access application — ACC-5
rectification               provider fixes a quality-audit rectification task (整改任务) — FB-4
=========================== ==========================================================================
"""
from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Mapping, Optional


@dataclasses.dataclass(frozen=True)
class DeadlineRule:
    """A period of ``workdays`` working days, its source clause and who approves an extension."""

    workdays: int
    clause: str
    summary: str
    approved_by: Optional[str] = None  # for extension caps: "authority" or "provider_head"


DEFAULT_PRESET = "bz-r"

_BZ_R: dict[str, DeadlineRule] = {
    "feedback_handle": DeadlineRule(10, "BZ-R 17", "开放主体应当在10个工作日内处理并反馈"),
    "feedback_extension_cap": DeadlineRule(10, "BZ-R 17", "no extension provided for (same as feedback_handle)"),
    "complaint_forward": DeadlineRule(
        2, "ZB 17 (BZ-R: no figure)", "主管部门自收到校核申请之日起2个工作日内交由有关机构 — ZB figure used"),
    "demand_review": DeadlineRule(10, "BZ-R 16", "主管部门收到申请后10个工作日内完成规范性审查"),
    "demand_provider": DeadlineRule(15, "BZ-R 16", "开放主体原则上在15个工作日内完成论证并反馈"),
    "demand_open": DeadlineRule(20, "BZ-R 16", "可以开放的，应当在反馈后20个工作日内通过开放平台开放"),
    "catalog_change_provider": DeadlineRule(15, "BZ-R 8", "应当在15个工作日内提出目录变更申请"),
    "catalog_change_authority": DeadlineRule(2, "BZ-R 8", "主管部门应当在收到变更申请之日起2个工作日内审核"),
    "access_formal_review": DeadlineRule(5, "BZ-R 15", "主管部门应当在收到申请后5个工作日内完成规范性审查"),
    "access_provider_review": DeadlineRule(10, "BZ-R 15", "开放主体原则上应当在10个工作日内完成审核"),
    "rectification": DeadlineRule(
        10, "SU 16 (BZ-R: no figure)", "收到整改任务后10个工作日内核实、更正 — SU figure used"),
}

_SU: dict[str, DeadlineRule] = {
    **_BZ_R,
    "feedback_handle": DeadlineRule(5, "SU 10", "数据开放主体应当在5个工作日内处理完毕"),
    "feedback_extension_cap": DeadlineRule(
        30, "SU 10", "情况复杂的，经市大数据主管部门审核同意后适当延长，原则上最多不超过30个工作日",
        approved_by="authority"),
    "complaint_forward": DeadlineRule(
        2, "ZB 17 (SU: no figure)", "主管部门自收到校核申请之日起2个工作日内交由有关机构 — ZB figure used"),
    "demand_review": DeadlineRule(
        10, "BZ-R 16 (SU 23: no authority step)", "SU 23 sets only the provider's period — BZ-R figure used"),
    "demand_provider": DeadlineRule(10, "SU 23", "不能立即答复的，应当自收到申请之日起10个工作日内将处理结果告知"),
    "demand_open": DeadlineRule(20, "BZ-R 16 (SU 23: no figure)", "SU sets no opening period — BZ-R figure used"),
    "catalog_change_provider": DeadlineRule(
        15, "BZ-R 8 (SU 8: no figure)", "SU 8 动态调整 sets no period — BZ-R figure used"),
    "catalog_change_authority": DeadlineRule(
        2, "BZ-R 8 (SU 8: no figure)", "SU 8 动态调整 sets no period — BZ-R figure used"),
    "access_formal_review": DeadlineRule(
        5, "BZ-R 15 (SU 20: 及时移交, no figure)", "SU 20 requires 受理 and 及时移交 — BZ-R figure used"),
    "access_provider_review": DeadlineRule(10, "SU 20", "不能立即答复的，应当自收到申请之日起10个工作日内答复"),
    "rectification": DeadlineRule(10, "SU 16", "数据开放主体应当在收到整改任务后10个工作日内核实、更正"),
}

_ZB: dict[str, DeadlineRule] = {
    **_BZ_R,
    "feedback_handle": DeadlineRule(5, "ZB 17", "应当自收到申请之日起5个工作日内校核完毕"),
    "feedback_extension_cap": DeadlineRule(
        10, "ZB 17", "情况复杂的，经负责人批准，可以延长至10个工作日", approved_by="provider_head"),
    "complaint_forward": DeadlineRule(2, "ZB 17", "大数据工作主管部门应当自收到申请之日起2个工作日内交由有关机构"),
    "demand_review": DeadlineRule(10, "BZ-R 16 (ZB 34: no figure)", "ZB 34 sets no period — BZ-R figure used"),
    "demand_provider": DeadlineRule(15, "BZ-R 16 (ZB 34: no figure)", "ZB 34 sets no period — BZ-R figure used"),
    "demand_open": DeadlineRule(20, "BZ-R 16 (ZB 34: no figure)", "ZB 34 sets no period — BZ-R figure used"),
    "catalog_change_provider": DeadlineRule(15, "ZB 10", "管理服务职能发生变更的，应当在15个工作日内更新本单位公共数据目录"),
    "catalog_change_authority": DeadlineRule(
        2, "BZ-R 8 (ZB 10: 审核后发布, no figure)", "ZB 10 sets no period for the review — BZ-R figure used"),
    "access_formal_review": DeadlineRule(5, "BZ-R 15 (ZB 34: no figure)", "ZB 34 sets no period — BZ-R figure used"),
    "access_provider_review": DeadlineRule(
        10, "BZ-R 15 (ZB 34: no figure)", "ZB 34 sets no period — BZ-R figure used"),
    "rectification": DeadlineRule(10, "SU 16 (ZB: no figure)", "SU figure used"),
}

PRESETS: Mapping[str, Mapping[str, DeadlineRule]] = MappingProxyType({
    "bz-r": MappingProxyType(_BZ_R),
    "su": MappingProxyType(_SU),
    "zb": MappingProxyType(_ZB),
})


def preset_rules(preset: Optional[str] = None) -> Mapping[str, DeadlineRule]:
    """The rules of ``preset``, or of the configured ``ckanext.publicdata.deadline_preset``."""
    if preset is None:
        from ckanext.publicdata import config

        preset = config.deadline_preset()
    try:
        return PRESETS[preset]
    except KeyError:
        known = ", ".join(PRESETS)
        raise ValueError(
            f"未知的期限预设：{preset}（可选 {known}） / Unknown deadline preset: {preset} (one of {known})"
        ) from None


def rule(key: str, preset: Optional[str] = None) -> DeadlineRule:
    rules = preset_rules(preset)
    try:
        return rules[key]
    except KeyError:
        raise KeyError(f"未知的期限：{key} / Unknown deadline: {key}") from None


def workdays_for(key: str, preset: Optional[str] = None) -> int:
    """The number of working days of deadline ``key`` in ``preset`` (default: the configured one)."""
    return rule(key, preset).workdays
