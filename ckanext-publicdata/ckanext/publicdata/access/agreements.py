"""Use agreements (开放利用协议; ACC-6, ACC-7; SU 21, BZ-R 15, ZB 34).

Templates are versioned per provider organization, with a city default (built in, version 0, until the authority
stores its own). Every template must contain the clauses SU 21 lists — 用途, 使用范围, 使用方式, 后续服务和反馈要求,
禁止条款, 信用承诺, 违约责任, 争议解决方式 — and may use only the placeholders below (``${name}``). On approval the
agreement text is filled in from the newest template of the provider (else the city's) and frozen with its SHA-256;
the applicant signs exactly that text (name, consent, time, IP). A signed agreement never changes (the database
refuses it too) and can be downloaded.
"""
from __future__ import annotations

import datetime
import hashlib
import string
from typing import Any, Optional

import ckan.model as model

from ckanext.publicdata import config as portal_config
from ckanext.publicdata.access.model.agreement import AgreementTemplate, UseAgreement
from ckanext.publicdata.access.model.application import AccessRequest

__all__ = [
    "REQUIRED_CLAUSES", "PLACEHOLDERS", "DEFAULT_TITLE", "DEFAULT_BODY", "CITY_SCOPE",
    "template_errors", "current_template", "template_versions", "add_template_version",
    "agreement_values", "render", "create_for_request", "sha256_of", "sign",
]

CITY_SCOPE = "city"

REQUIRED_CLAUSES = ("用途", "使用范围", "使用方式", "后续服务和反馈要求", "禁止条款", "信用承诺", "违约责任", "争议解决方式")

PLACEHOLDERS = {
    "agreement_number": "协议编号 / agreement number",
    "portal_name": "平台名称 / portal name",
    "city_name": "城市 / city",
    "provider_name": "开放主体 / provider",
    "applicant_name": "利用主体名称 / applicant",
    "applicant_type": "利用主体类型 / applicant type",
    "applicant_number": "证件号码或统一社会信用代码 / ID number or credit code",
    "dataset_title": "数据名称 / dataset",
    "dataset_identifier": "信息资源代码 / identifier",
    "request_title": "申请标题 / application title",
    "request_type": "申请类型 / application type",
    "purpose": "用途 / purpose",
    "scope": "使用范围 / scope",
    "scenario": "应用场景 / scenario",
    "result_form": "成果形式 / form of results",
    "period_start": "使用期限开始 / period start",
    "period_end": "使用期限结束 / period end",
    "use_report_interval_days": "利用情况报告周期（天） / reporting interval (days)",
}

DEFAULT_TITLE = "公共数据开放利用协议"

DEFAULT_BODY = """${portal_name} 公共数据开放利用协议
协议编号：${agreement_number}

甲方（数据开放主体）：${provider_name}
乙方（数据利用主体）：${applicant_name}（${applicant_type}，证件号码/统一社会信用代码：${applicant_number}）

依据《${city_name}公共数据开放工作细则》等规定，甲方同意向乙方开放有条件开放数据“${dataset_title}”（信息资源代码：${dataset_identifier}），双方就申请“${request_title}”达成如下协议：

第一条 用途
乙方获取的数据仅用于：${purpose}。应用场景：${scenario}。

第二条 使用范围
${scope}。使用期限自 ${period_start} 起至 ${period_end} 止，期满权限自动关闭。

第三条 使用方式
乙方通过${portal_name}以“${request_type}”方式获取数据，成果形式为：${result_form}。乙方应当采取必要的技术和管理措施保障数据安全，数据不得存储于境外。

第四条 后续服务和反馈要求
甲方在协议期内提供数据更新和必要的技术支持。乙方应当每 ${use_report_interval_days} 天通过平台报告数据利用情况、成果与效益产出情况，并及时报告利用中发现的数据安全风险和质量问题；发表论文、申请专利、发布产品时注明数据来源和获取日期。

第五条 禁止条款
乙方不得将数据以任何形式提供给第三方，不得超出约定用途和范围使用，不得试图重新识别个人身份或还原脱敏信息，不得利用数据从事危害国家安全、公共利益或他人合法权益的活动。

第六条 信用承诺
乙方承诺申请材料和应用场景真实、合规、安全，遵守本协议；违反承诺的，相关失信信息依法纳入公共信用信息平台。

第七条 违约责任
乙方违反本协议的，甲方会同公共数据开放主管部门有权限制或关闭其数据访问权限，并可在平台公示；造成损失的，乙方依法承担赔偿责任；构成违法的，依法追究法律责任。

第八条 争议解决方式
因本协议发生的争议，双方协商解决；协商不成的，可提请${city_name}公共数据开放主管部门协调，或依法向甲方所在地人民法院提起诉讼。

第九条 其他
本协议自乙方在平台电子签署之日起生效。电子签署记录（签署人、同意声明、时间、IP 地址及本协议全文的 SHA-256 摘要）与本协议具有同等效力。
"""


def template_errors(title: str, body: str) -> dict[str, list[str]]:
    """Bilingual errors of a template: missing title/body, missing clauses, unknown or malformed placeholders."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["协议模板标题不能为空 / The template title is required"]
    if not (body or "").strip():
        errors["body"] = ["协议模板正文不能为空 / The template text is required"]
        return errors
    missing = [clause for clause in REQUIRED_CLAUSES if clause not in body]
    problems: list[str] = []
    if missing:
        problems.append(f"协议模板缺少必备条款：{'、'.join(missing)} / The template lacks required clauses: "
                        f"{', '.join(missing)}")
    try:
        names = {match[1] or match[2] for match in string.Template.pattern.findall(body) if match[1] or match[2]}
        invalid = [match[3] for match in string.Template.pattern.findall(body) if match[3]]
    except (ValueError, TypeError):
        names, invalid = set(), ["$"]
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown or invalid:
        shown = ", ".join(unknown) or "$"
        problems.append(f"未知或格式错误的占位符：{shown}（可用：{', '.join(PLACEHOLDERS)}） / "
                        f"Unknown or malformed placeholders: {shown} (allowed: {', '.join(PLACEHOLDERS)})")
    if problems:
        errors["body"] = problems
    return errors


def _scope_key(owner_org: Optional[str]) -> str:
    return owner_org or CITY_SCOPE


def template_versions(owner_org: Optional[str]) -> list[AgreementTemplate]:
    return (model.Session.query(AgreementTemplate)
            .filter(AgreementTemplate.scope_key == _scope_key(owner_org))
            .order_by(AgreementTemplate.version.desc()).all())


def _builtin_template() -> AgreementTemplate:
    """The built-in city default as an unsaved version 0."""
    return AgreementTemplate(id=None, scope_key=CITY_SCOPE, owner_org=None, version=0, title=DEFAULT_TITLE,
                             body=DEFAULT_BODY, change_note="built-in default")


def current_template(owner_org: Optional[str]) -> AgreementTemplate:
    """The newest template of ``owner_org``, else the city's newest, else the built-in default."""
    for scope in ([owner_org] if owner_org else []) + [None]:
        versions = template_versions(scope)
        if versions:
            return versions[0]
    return _builtin_template()


def add_template_version(owner_org: Optional[str], title: str, body: str, actor_id: Optional[str],
                         change_note: str = "") -> AgreementTemplate:
    """A new version of the template chain of ``owner_org`` (None: the city default). The caller validates and
    commits; the unique (scope, version) constraint stops two concurrent writers from both getting one number."""
    versions = template_versions(owner_org)
    template = AgreementTemplate(scope_key=_scope_key(owner_org), owner_org=owner_org,
                                 version=(versions[0].version + 1) if versions else 1,
                                 title=title.strip(), body=body, change_note=(change_note or "").strip() or None,
                                 created_by=actor_id)
    model.Session.add(template)
    return template


def agreement_values(request: AccessRequest, package: dict[str, Any], number: str,
                     interval_days: int) -> dict[str, str]:
    organization = package.get("organization") or {}
    applicant_type = {"individual": "个人 / individual", "organization": "组织 / organization"}
    request_type = {"dataset": "数据集下载 / dataset download", "api": "接口调用 / API"}
    return {
        "agreement_number": number,
        "portal_name": portal_config.portal_name(),
        "city_name": portal_config.city_name(),
        "provider_name": organization.get("title") or organization.get("name") or "",
        "applicant_name": request.applicant_name or "",
        "applicant_type": applicant_type.get(request.applicant_type or "", request.applicant_type or ""),
        "applicant_number": request.applicant_number or "",
        "dataset_title": package.get("title") or package.get("name") or "",
        "dataset_identifier": package.get("identifier") or "",
        "request_title": request.title,
        "request_type": request_type.get(request.request_type, request.request_type),
        "purpose": request.approved_purpose or request.reason,
        "scope": request.approved_scope or f"仅限数据集“{package.get('title') or ''}”，仅限乙方内部使用",
        "scenario": request.scenario,
        "result_form": request.result_form,
        "period_start": request.period_start.isoformat() if request.period_start else "",
        "period_end": request.period_end.isoformat() if request.period_end else "",
        "use_report_interval_days": str(interval_days),
    }


def render(template: AgreementTemplate, values: dict[str, str]) -> str:
    return string.Template(template.body).safe_substitute(values)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _agreement_number(request: AccessRequest, today: datetime.date) -> str:
    return f"KFLY-{today:%Y%m%d}-{request.id.replace('-', '')[:8].upper()}"


def create_for_request(request: AccessRequest, package: dict[str, Any], today: datetime.date,
                       interval_days: int) -> UseAgreement:
    """The pending agreement of an approved application (added to the session)."""
    template = current_template(request.owner_org)
    number = _agreement_number(request, today)
    text = render(template, agreement_values(request, package, number, interval_days))
    agreement = UseAgreement(request_id=request.id, template_id=template.id, template_version=template.version,
                             number=number, title=template.title, text=text, text_sha256=sha256_of(text),
                             status="pending")
    model.Session.add(agreement)
    return agreement


def sign(agreement: UseAgreement, user_id: str, signer_name: str, ip: Optional[str],
         now: Optional[datetime.datetime] = None) -> UseAgreement:
    agreement.status = "signed"
    agreement.signer_user_id = user_id
    agreement.signer_name = signer_name
    agreement.consent = True
    agreement.signed_at = now or datetime.datetime.utcnow()
    agreement.signed_ip = ip
    return agreement
