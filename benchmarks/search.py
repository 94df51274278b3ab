#!/usr/bin/env python3
"""Search benchmark of the embedded (PostgreSQL) search with realistic Chinese datasets (issue 3 item 7).

    .venv/bin/python benchmarks/search.py --n 2000          # quick check
    .venv/bin/python benchmarks/search.py                   # 100 000 datasets (takes a while; 2 shared cores)
    .venv/bin/python benchmarks/search.py --n 2000 --reuse  # keep the generated data, measure again

What it does, always against its own database ``publicdata_bench`` (never the portal's or a test database):
  1. (re)creates the database (as the postgres OS user) and writes config/bench.ini
     (``use = config:ckan.ini`` + its own sqlalchemy.url, Redis DB 10, storage path), runs ``ckan db init``;
  2. generates N datasets — titles from agencies × districts × years × topics, descriptions, tags, 3 resources each
     and the taxonomy fields open_attribute, update_frequency, priority_domains, theme — inserted in bulk with SQL
     through CKAN's model tables (package_create for 100k datasets would take hours);
  3. times ``ckan search-index rebuild`` = the full rebuild through CKAN's own index path;
  4. in-process ``package_search`` latency (p50/p95/p99) for free-text, faceted, filtered, sorted and deep-page
     queries;
  5. starts ``ckan run`` on a free 127.0.0.1 port, sends 10 requests/s (open loop) to the API and the dataset
     page, reports the HTTP latency percentiles, stops the server;
  6. write-to-searchable delay: package_create, then package_search until the new dataset is found;
and prints the figures and writes them to benchmarks/results/search.json.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import pathlib
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]
CKAN = ROOT / ".venv" / "bin" / "ckan"
BENCH_DB = "publicdata_bench"
BENCH_INI = ROOT / "config" / "bench.ini"
RESULTS = ROOT / "benchmarks" / "results" / "search.json"
REDIS_DB = 10

CITY = "滨州市"
DISTRICTS = ["滨城区", "沾化区", "惠民县", "阳信县", "无棣县", "博兴县", "邹平市", "北海新区", "滨州经济技术开发区",
             "滨州高新区"]
YEARS = list(range(2015, 2026))
FREQUENCIES = ["realtime", "daily", "weekly", "monthly", "quarterly", "semiannual", "annual", "irregular"]
FREQUENCY_WORDS = {"realtime": "实时", "daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度",
                   "semiannual": "每半年", "annual": "每年", "irregular": "不定期"}
OPEN_ATTRIBUTES = [("unconditional", 0.7), ("conditional", 0.25), ("not_open", 0.05)]

# agency key → (organization name, title, theme, priority domains)
AGENCIES: dict[str, tuple[str, str, str, list[str]]] = {
    "ecology": ("bench-ecology", "滨州市生态环境局", "environment", ["ecology_environment"]),
    "market": ("bench-market", "滨州市市场监督管理局", "economy", ["market_regulation", "enterprise_credit"]),
    "fund": ("bench-housing-fund", "滨州市住房公积金管理中心", "social_security", ["finance"]),
    "resources": ("bench-resources", "滨州市自然资源和规划局", "urban_construction", ["natural_resources"]),
    "transport": ("bench-transport", "滨州市交通运输局", "transport", ["transport"]),
    "approval": ("bench-approval", "滨州市行政审批服务局", "government_affairs", ["administrative_licensing"]),
    "bigdata": ("bench-big-data", "滨州市大数据局", "government_affairs", ["statistics"]),
    "education": ("bench-education", "滨州市教育局", "education", ["education"]),
    "health": ("bench-health", "滨州市卫生健康委员会", "health", ["health"]),
    "insurance": ("bench-insurance", "滨州市医疗保障局", "health", ["medical_insurance", "health"]),
    "hr": ("bench-hr", "滨州市人力资源和社会保障局", "employment", ["human_resources", "employment"]),
    "civil": ("bench-civil", "滨州市民政局", "social_security", ["statistics"]),
    "culture": ("bench-culture", "滨州市文化和旅游局", "culture_tourism", ["culture_tourism"]),
    "agriculture": ("bench-agriculture", "滨州市农业农村局", "agriculture", ["agriculture"]),
    "weather": ("bench-weather", "滨州市气象局", "environment", ["meteorology"]),
    "emergency": ("bench-emergency", "滨州市应急管理局", "public_safety", ["emergency_management"]),
    "statistics": ("bench-statistics", "滨州市统计局", "economy", ["statistics"]),
    "finance": ("bench-finance", "滨州市财政局", "economy", ["finance"]),
    "police": ("bench-police", "滨州市公安局", "public_safety", ["administrative_penalty"]),
    "science": ("bench-science", "滨州市科学技术局", "science_tech", ["science_tech"]),
}
# (agency, topic, tags, description)
TOPICS: list[tuple[str, str, list[str], str]] = [
    ("ecology", "空气质量监测数据", ["空气质量", "环境监测"], "空气自动监测站PM2.5、PM10、臭氧等污染物浓度和空气质量指数"),
    ("ecology", "PM2.5小时浓度", ["PM2.5", "细颗粒物"], "各监测站细颗粒物小时平均浓度"),
    ("ecology", "地表水水质监测结果", ["地表水", "水质"], "主要河流断面水质类别和主要污染物浓度"),
    ("ecology", "重点排污单位名录", ["污染源", "排污单位"], "重点排污单位名称、行业和排放类别"),
    ("ecology", "建筑工地扬尘在线监测", ["扬尘", "施工工地"], "施工工地颗粒物和噪声在线监测数据"),
    ("market", "市场主体登记信息", ["市场主体", "企业"], "企业、个体工商户和农民专业合作社登记信息"),
    ("market", "食品安全监督抽检结果", ["食品安全", "抽检"], "食品监督抽检产品、被抽样单位和检验结论"),
    ("market", "双随机一公开抽查结果", ["双随机一公开"], "随机抽查对象、检查事项和抽查结果"),
    ("market", "特种设备使用登记信息", ["特种设备", "电梯"], "锅炉、压力容器、电梯等特种设备使用登记"),
    ("market", "药品零售企业名录", ["药品", "药店"], "药品零售企业名称、地址和许可证有效期"),
    ("fund", "住房公积金缴存情况", ["住房公积金"], "缴存单位数、缴存人数和缴存金额"),
    ("fund", "住房公积金贷款发放统计", ["公积金贷款"], "个人住房贷款发放笔数、金额和余额"),
    ("resources", "不动产登记业务量统计", ["不动产登记"], "首次登记、转移登记、抵押登记业务量"),
    ("resources", "国有建设用地供应结果", ["土地供应"], "出让、划拨宗地位置、面积和用途"),
    ("resources", "地质灾害隐患点分布", ["地质灾害"], "地质灾害隐患点位置、规模和威胁对象"),
    ("transport", "公交线路信息", ["公交", "线路"], "公交线路名称、首末班时间和票价"),
    ("transport", "公交站点位置", ["公交", "站点"], "公交站点名称、坐标和停靠线路"),
    ("transport", "新能源汽车充电桩分布", ["充电桩", "新能源汽车"], "公共充电站和充电桩位置、数量与收费标准"),
    ("transport", "公共停车场泊位信息", ["停车场", "泊位"], "停车场位置、泊位数量和收费标准"),
    ("approval", "一网通办政务服务事项清单", ["一网通办", "政务服务"], "政务服务事项名称、实施主体和办理时限"),
    ("approval", "行政许可信息", ["行政许可", "双公示"], "行政许可决定、行政相对人和许可证号"),
    ("approval", "企业开办办理情况", ["企业开办", "营商环境"], "企业开办办理件数和平均办理时间"),
    ("bigdata", "12345热线工单受理情况", ["12345热线", "诉求"], "12345政务服务便民热线工单数量和诉求分类"),
    ("bigdata", "公共数据开放目录", ["公共数据", "开放目录"], "开放数据目录名称、开放属性和更新频率"),
    ("education", "中小学校名录", ["中小学", "学校"], "中小学校名称、学段、地址和联系电话"),
    ("education", "幼儿园名录", ["幼儿园"], "幼儿园名称、性质和招生规模"),
    ("education", "义务教育学区划分", ["学区", "义务教育"], "公办中小学招生学区划分范围"),
    ("health", "医疗机构基本信息", ["医疗机构", "医院"], "医院、卫生院和社区卫生服务中心名称、等级和床位数"),
    ("health", "预防接种门诊信息", ["疫苗接种"], "预防接种门诊名称、地址和接种时间"),
    ("insurance", "医保定点医疗机构名单", ["医保定点"], "定点医疗机构名称、等级和地址"),
    ("insurance", "基本医疗保险参保人数", ["医疗保险", "参保"], "职工和城乡居民基本医疗保险参保人数"),
    ("hr", "社会保障卡服务网点", ["社保卡"], "社会保障卡申领、补换服务网点"),
    ("hr", "养老保险参保情况", ["养老保险"], "基本养老保险参保人数和待遇领取人数"),
    ("hr", "招聘岗位信息", ["招聘", "就业"], "招聘岗位、人数、学历要求和薪酬"),
    ("civil", "养老机构名录", ["养老机构"], "养老机构名称、床位数和收费标准"),
    ("civil", "城乡最低生活保障统计", ["低保", "社会救助"], "低保对象人数、保障标准和支出"),
    ("civil", "婚姻登记机关信息", ["婚姻登记"], "婚姻登记处地址和办公时间"),
    ("culture", "A级旅游景区名录", ["景区", "旅游"], "A级旅游景区名称、等级和门票价格"),
    ("culture", "文物保护单位名录", ["文物"], "文物保护单位名称、年代和类别"),
    ("culture", "非物质文化遗产代表性项目", ["非遗"], "非物质文化遗产项目和保护单位"),
    ("agriculture", "高标准农田建设项目", ["高标准农田"], "高标准农田建设地点、规模和投资"),
    ("agriculture", "农民专业合作社名录", ["合作社"], "农民专业合作社名称和主营业务"),
    ("agriculture", "冬小麦播种面积和产量", ["冬小麦", "粮食"], "冬小麦播种面积、单产和总产量"),
    ("weather", "逐月降水量", ["降水", "气象"], "国家气象观测站逐月降水量"),
    ("weather", "气象灾害预警信号", ["气象预警"], "暴雨、大风、寒潮等预警信号发布信息"),
    ("emergency", "应急避难场所分布", ["应急避难场所"], "避难场所名称、容纳人数和地址"),
    ("emergency", "安全生产许可证发放信息", ["安全生产"], "安全生产许可证发放、延期和注销"),
    ("statistics", "国民经济和社会发展统计公报", ["统计公报"], "地区生产总值、人口和居民收入等统计数据"),
    ("statistics", "规模以上工业企业主要指标", ["规模以上工业"], "规上工业企业营业收入、利润和增加值"),
    ("statistics", "常住人口数据", ["人口"], "常住人口、城镇化率和年龄结构"),
    ("finance", "财政预算公开", ["财政预算"], "一般公共预算收支和三公经费预算"),
    ("finance", "政府采购项目公告", ["政府采购"], "采购方式、预算金额和中标供应商"),
    ("police", "电动自行车登记数量", ["电动自行车"], "电动自行车上牌登记数量"),
    ("police", "交通违法高发路段", ["交通违法"], "交通违法高发路段和违法类型"),
    ("science", "高新技术企业名单", ["高新技术企业", "科技"], "高新技术企业名称、认定年份和证书编号"),
    ("science", "专利授权统计", ["专利"], "发明、实用新型和外观设计专利授权量"),
]
RESOURCE_FORMATS = [("CSV", "数据文件"), ("XLSX", "Excel表格"), ("JSON", "JSON数据"), ("API", "数据接口"),
                    ("XML", "XML数据")]

FREE_TEXT = ["空气质量", "惠民县企业", "充电桩", "电桩", "滨州空气质量", "2023年 不动产登记", "12345热线", "PM2.5",
             "住房公積金", "一网通办", "医疗机构", "邹平市 公交", "养老", "高新技术企业", "降雨量", "市场监管局",
             "食品安全抽检", "学区划分", "景区 门票", "数据"]


# ------------------------------------------------------------------------------------------------ helpers

def log(message: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def secrets() -> dict[str, str]:
    values = {}
    for line in (ROOT / "config" / ".secrets").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True,
                          check=check, timeout=300)


def database_exists() -> bool:
    result = as_postgres("psql", "-Atc", f"select 1 from pg_database where datname = '{BENCH_DB}'")
    return result.stdout.strip() == "1"


def recreate_database() -> None:
    if database_exists():
        log(f"dropping database {BENCH_DB}")
        as_postgres("dropdb", "--force", BENCH_DB)
    log(f"creating database {BENCH_DB}")
    as_postgres("createdb", "-O", "publicdata", "-E", "UTF8", "-T", "template0", BENCH_DB)


def write_ini() -> None:
    password = secrets()["DB_PASSWORD"]
    BENCH_INI.write_text(
        "# Generated by benchmarks/search.py — the search benchmark's own database; do not use for anything else.\n"
        "[app:main]\n"
        "use = config:ckan.ini\n"
        f"sqlalchemy.url = postgresql://publicdata:{password}@127.0.0.1:5432/{BENCH_DB}\n"
        f"ckan.redis.url = redis://127.0.0.1:6379/{REDIS_DB}\n"
        f"ckan.harvest.mq.redis_db = {REDIS_DB}\n"
        f"ckan.storage_path = {ROOT / 'var' / 'storage-bench'}\n"
        "ckan.tracking_enabled = false\n"
        "\n[loggers]\nkeys = root, ckan, ckanext\n\n[handlers]\nkeys = console\n\n[formatters]\nkeys = generic\n\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n\n"
        "[logger_ckan]\nlevel = WARNING\nhandlers = console\nqualname = ckan\npropagate = 0\n\n"
        "[logger_ckanext]\nlevel = WARNING\nhandlers = console\nqualname = ckanext\npropagate = 0\n\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n\n"
        "[formatter_generic]\nformat = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s\n",
        encoding="utf-8",
    )
    os.chmod(BENCH_INI, 0o600)


def run_ckan(*arguments: str, timeout: float = 7200, ini: Optional[pathlib.Path] = None
             ) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([str(CKAN), "-c", str(ini or BENCH_INI), *arguments], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"ckan {' '.join(arguments)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    if not samples_ms:
        return {}
    ordered = sorted(samples_ms)

    def pick(fraction: float) -> float:
        index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
        return round(ordered[index], 2)

    return {"count": len(ordered), "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "max_ms": round(ordered[-1], 2), "mean_ms": round(statistics.mean(ordered), 2)}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------------------------ CKAN in-process

def load_ckan() -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(BENCH_INI))
    return make_app(config)


def flask_app(app: Any) -> Any:
    return getattr(app, "_wsgi_app", app)


# ------------------------------------------------------------------------------------------------ generation

def generate(n: int, batch_size: int, seed: int) -> dict[str, Any]:
    """Organizations through the actions, datasets in bulk through the model tables."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    rng = random.Random(seed)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    organization_ids: dict[str, str] = {}
    for key, (name, title, _, _) in AGENCIES.items():
        existing = model.Group.get(name)
        if existing:
            organization_ids[key] = existing.id
            continue
        organization = tk.get_action("organization_create")(dict(context), {"name": name, "title": title,
                                                                            "description": f"{title}（基准测试）"})
        organization_ids[key] = organization["id"]

    tag_ids: dict[str, str] = {}
    engine = model.meta.engine
    tables = {name: model.meta.metadata.tables[name]
              for name in ("package", "package_extra", "tag", "package_tag", "resource")}
    creator = model.User.get(site_user["name"]).id
    now = dt.datetime.utcnow()
    started = time.perf_counter()
    written = 0
    attributes, weights = zip(*OPEN_ATTRIBUTES)
    while written < n:
        count = min(batch_size, n - written)
        packages, extras, package_tags, resources, new_tags = [], [], [], [], []
        for offset in range(count):
            number = written + offset
            agency, topic, tags, description = TOPICS[number % len(TOPICS)]
            organization_name, organization_title, theme, domains = AGENCIES[agency]
            place = CITY if rng.random() < 0.3 else rng.choice(DISTRICTS)
            year = rng.choice(YEARS)
            frequency = rng.choice(FREQUENCIES)
            shape = rng.random()
            if shape < 0.5:
                title = f"{place}{year}年{topic}"
            elif shape < 0.8:
                title = f"{place}{topic}（{year}年）"
            else:
                title = f"{place}{topic}"
            title = f"{title}（第{number // len(TOPICS) + 1}批）" if rng.random() < 0.1 else title
            full_place = CITY if place == CITY else CITY + place
            notes = (f"{full_place}{year}年{description}。数据由{organization_title}提供，"
                     f"{FREQUENCY_WORDS[frequency]}更新，字段说明见资源描述。")
            package_id = str(uuid.uuid4())
            modified = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
            packages.append({
                "id": package_id, "name": f"bench-{number:06d}", "title": title, "notes": notes,
                "state": "active", "type": "dataset", "private": False, "owner_org": organization_ids[agency],
                "license_id": "cc-by", "metadata_created": modified - dt.timedelta(days=rng.randint(0, 400)),
                "metadata_modified": modified, "creator_user_id": creator, "version": str(year),
                "url": "", "author": organization_title, "maintainer": "数据管理员",
                "maintainer_email": "data@example.gov.cn", "plugin_data": None,
            })
            open_attribute = rng.choices(attributes, weights)[0]
            chosen_domains = sorted(set(domains[:1] + rng.sample(domains, k=len(domains))[:rng.randint(0, 1)]))
            for key, value in (("open_attribute", open_attribute), ("update_frequency", frequency),
                               ("priority_domains", json.dumps(chosen_domains)), ("theme", theme),
                               ("identifier", f"37160000-{number % 10000:04d}-{year}-{number:06d}")):
                extras.append({"id": str(uuid.uuid4()), "package_id": package_id, "key": key, "value": value,
                               "state": "active"})
            for tag in tags + [place, f"{year}年"]:
                if tag not in tag_ids:
                    tag_ids[tag] = str(uuid.uuid4())
                    new_tags.append({"id": tag_ids[tag], "name": tag, "vocabulary_id": None})
                package_tags.append({"id": str(uuid.uuid4()), "package_id": package_id, "tag_id": tag_ids[tag],
                                     "state": "active"})
            for position, (resource_format, label) in enumerate(rng.sample(RESOURCE_FORMATS, k=3)):
                resources.append({
                    "id": str(uuid.uuid4()), "package_id": package_id, "position": position, "state": "active",
                    "url": f"https://data.example.gov.cn/files/{package_id}/{position}.{resource_format.lower()}",
                    "format": resource_format, "name": f"{title}（{label}）", "description": f"{label}：{description}",
                    "created": modified, "metadata_modified": modified, "url_type": None, "extras": "{}",
                })
        with engine.begin() as connection:
            if new_tags:
                connection.execute(tables["tag"].insert(), new_tags)
            connection.execute(tables["package"].insert(), packages)
            connection.execute(tables["package_extra"].insert(), extras)
            connection.execute(tables["package_tag"].insert(), package_tags)
            connection.execute(tables["resource"].insert(), resources)
        written += count
        log(f"  inserted {written}/{n} datasets")
    return {"datasets": n, "organizations": len(organization_ids), "tags": len(tag_ids),
            "insert_seconds": round(time.perf_counter() - started, 2)}


# ------------------------------------------------------------------------------------------------ measurements

def query_mix(n: int) -> dict[str, list[dict[str, Any]]]:
    facets = json.dumps(["organization", "tags", "res_format", "open_attribute", "theme", "update_frequency",
                         "priority_domains"])
    deep_start = max(0, min(n - 20, n // 2))
    return {
        "free_text": [{"q": q, "rows": 20} for q in FREE_TEXT],
        "faceted": [{"q": q, "rows": 20, "facet": "true", "facet.field": facets, "facet.limit": 50}
                    for q in ("", "空气质量", "充电桩", "企业", "数据")],
        "filtered": [
            {"q": "", "fq": "open_attribute:unconditional", "rows": 20},
            {"q": "公交", "fq": 'organization:"bench-transport"', "rows": 20},
            {"q": "", "fq": 'res_format:"CSV" theme:"environment"', "rows": 20},
            {"q": "", "fq": 'tags:"空气质量"', "rows": 20},
            {"q": "监测", "fq": "update_frequency:daily OR update_frequency:realtime", "rows": 20},
            {"q": "", "fq": "metadata_modified:[NOW-1YEAR TO *]", "rows": 20},
        ],
        "sorted": [
            {"q": "", "sort": "metadata_modified desc", "rows": 20},
            {"q": "", "sort": "title_string asc", "rows": 20},
            {"q": "公积金", "sort": "name asc", "rows": 20},
            {"q": "监测数据", "sort": "score desc, metadata_modified desc", "rows": 20},
        ],
        "deep_page": [{"q": "", "rows": 20, "start": deep_start},
                      {"q": "数据", "rows": 20, "start": min(deep_start, 2000)},
                      {"q": "", "rows": 20, "start": max(0, n - 20), "sort": "metadata_modified desc"}],
    }


def measure_in_process(n: int, rounds: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    search = tk.get_action("package_search")
    results: dict[str, Any] = {}
    every: list[float] = []
    counts: dict[str, int] = {}
    from ckanext.publicdata.search import backend

    for category, queries in query_mix(n).items():
        samples = []
        for round_number in range(rounds):
            for query in queries:
                # every sample runs its SQL: the process-local result cache is emptied first (the shared
                # summaries of searches without free text stay: they last until the next index write)
                backend.result_cache.clear()
                started = time.perf_counter()
                result = search({"ignore_auth": True}, dict(query))
                samples.append((time.perf_counter() - started) * 1000)
                if round_number == 0:
                    counts[f"{category}: {json.dumps(query, ensure_ascii=False)[:90]}"] = result["count"]
        every.extend(samples)
        results[category] = percentiles(samples)
    results["all"] = percentiles(every)
    results["hit_counts"] = counts
    # the worst case of the faceted searches: right after an index write (no summary, no cached result)
    import ckan.model as model

    after_write = []
    for query in query_mix(n)["faceted"]:
        for _ in range(2):
            with model.meta.engine.connect() as connection:
                connection.exec_driver_sql("SELECT nextval('publicdata_search_index_seq')")
            backend.result_cache.clear()
            started = time.perf_counter()
            search({"ignore_auth": True}, dict(query))
            after_write.append((time.perf_counter() - started) * 1000)
    results["faceted_right_after_a_write"] = percentiles(after_write)
    return results


def measure_write_delay(samples: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    organization = AGENCIES["bigdata"][0]
    create_ms, searchable_ms = [], []
    for number in range(samples):
        marker = f"wd{uuid.uuid4().hex[:10]}"
        started = time.perf_counter()
        tk.get_action("package_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"name": f"bench-write-{marker}", "title": f"滨州市写入延迟测试{marker}数据集", "owner_org": organization,
             "notes": "写入后多久可以被搜索到", "tags": [{"name": "写入测试"}],
             "identifier": f"37160000-9999-2026-{number:06d}{uuid.uuid4().int % 1000:03d}",
             "open_attribute": "unconditional", "update_frequency": "irregular", "theme": "government_affairs"},
        )
        created = time.perf_counter()
        found = False
        for _ in range(200):  # bounded: at most ~10 s
            if tk.get_action("package_search")({"ignore_auth": True}, {"q": marker, "rows": 1})["count"]:
                found = True
                break
            time.sleep(0.05)
        done = time.perf_counter()
        create_ms.append((created - started) * 1000)
        searchable_ms.append((done - started) * 1000 if found else float("inf"))
    finite = [s for s in searchable_ms if s != float("inf")]
    return {"samples": samples, "never_found": samples - len(finite),
            "package_create": percentiles(create_ms), "create_to_searchable": percentiles(finite)}


def measure_http(n: int, rate: float, duration: float) -> dict[str, Any]:
    port = free_port()
    log(f"starting ckan run on 127.0.0.1:{port}")
    # the server's log goes to a file: a pipe nobody reads would fill up and stall the server, and the
    # log is where the cause of any 5xx is
    server_log_path = RESULTS.parent / "http-server.log"
    server_log = open(server_log_path, "wb")
    server = subprocess.Popen(
        [str(CKAN), "-c", str(BENCH_INI), "run", "-H", "127.0.0.1", "-p", str(port), "-r", "-t"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=server_log, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:  # bounded wait for the server
            if server.poll() is not None:
                raise SystemExit(f"ckan run exited: {server_log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/3/action/status_show", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("ckan run did not answer within 120 s")
            time.sleep(1)
        paths = []
        for query in FREE_TEXT:
            quoted = urllib.parse.quote(query)
            paths.append(f"/api/3/action/package_search?q={quoted}&rows=20")
            paths.append(f"/dataset/?q={quoted}")
        paths += ["/api/3/action/package_search?fq=open_attribute:unconditional&facet.field=%5B%22organization%22%5D",
                  "/dataset/?res_format=CSV", f"/api/3/action/package_search?start={max(0, n // 2)}&rows=20"]
        for path in paths[:3]:  # warm up
            urllib.request.urlopen(base + path, timeout=60).read()

        def fetch(path: str) -> tuple[str, float, int]:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            return path, (time.perf_counter() - started) * 1000, status

        total = int(rate * duration)
        futures = []
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            for number in range(total):  # open loop: request i is sent at i / rate seconds
                delay = started + number / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(fetch, paths[number % len(paths)]))
            outcomes = [future.result() for future in futures]
        elapsed = time.perf_counter() - started
        api = [ms for path, ms, status in outcomes if path.startswith("/api/")]
        pages = [ms for path, ms, status in outcomes if not path.startswith("/api/")]
        errors = [(path, status) for path, _, status in outcomes if status != 200]
        return {"rate_per_second": rate, "requests": total, "achieved_rate": round(total / elapsed, 2),
                "errors": len(errors), "error_examples": errors[:5],
                "all": percentiles([ms for _, ms, _ in outcomes]), "api": percentiles(api),
                "dataset_page": percentiles(pages), "server": "ckan run (werkzeug, threaded), 1 process"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
        server_log.close()
        log(f"server stopped (its log: {server_log_path})")


def database_sizes() -> dict[str, Any]:
    import ckan.model as model
    import sqlalchemy as sa

    with model.meta.engine.connect() as connection:
        size = connection.execute(sa.text("select pg_database_size(current_database())")).scalar()
        rows = connection.execute(sa.text(
            "select relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = "
            "c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and relname like '%search%' "
            "order by 2 desc")).fetchall()
    return {"database_mb": round(size / 1e6, 1), "search_tables_mb": {r[0]: round(r[1] / 1e6, 1) for r in rows}}


# ------------------------------------------------------------------------------------------------ main

def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of datasets (default 100000)")
    parser.add_argument("--batch", type=int, default=2000, help="datasets per SQL insert batch")
    parser.add_argument("--seed", type=int, default=371600)
    parser.add_argument("--reuse", action="store_true", help="keep the existing benchmark data, only measure")
    parser.add_argument("--skip-rebuild", action="store_true", help="with --reuse: do not rebuild the index")
    parser.add_argument("--rebuild-workers", type=int, default=2,
                        help="rebuild with `ckan publicdata search rebuild --workers N` (0: CKAN's search-index rebuild)")
    parser.add_argument("--rounds", type=int, default=5, help="repetitions of the in-process query mix")
    parser.add_argument("--http-rate", type=float, default=10.0)
    parser.add_argument("--http-seconds", type=float, default=30.0)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--generate-only", action="store_true",
                        help="create the database and the datasets, then stop (measure later with --reuse)")
    parser.add_argument("--write-samples", type=int, default=20)
    parser.add_argument("--output", default=str(RESULTS))
    arguments = parser.parse_args(argv)

    figures: dict[str, Any] = {"n": arguments.n, "started": dt.datetime.utcnow().isoformat(timespec="seconds") + "Z",
                               "cpus": os.cpu_count(), "database": BENCH_DB}
    output = pathlib.Path(arguments.output)
    output.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after every phase, so an interrupted run still leaves what it measured
        output.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")

    write_ini()
    if not arguments.reuse:
        recreate_database()
        seconds, _ = run_ckan("db", "init", timeout=900)
        log(f"ckan db init: {seconds:.1f} s")

    app = load_ckan()
    with flask_app(app).test_request_context():
        import ckan.model as model

        if not arguments.reuse:
            log(f"generating {arguments.n} datasets")
            figures["generation"] = generate(arguments.n, arguments.batch, arguments.seed)
        present = model.Session.query(model.Package).filter(model.Package.state == "active").count()
        figures["datasets_in_database"] = present
        save()
        model.Session.remove()
    if arguments.generate_only:
        log(f"generated; measure with --reuse (datasets in database: {present})")
        return 0

    if not arguments.skip_rebuild:
        if arguments.rebuild_workers:
            command = ("publicdata", "search", "rebuild", "--clear", "-q", "--workers", str(arguments.rebuild_workers))
        else:
            command = ("search-index", "rebuild", "-q")
        log(f"ckan {' '.join(command)} …")
        seconds, _ = run_ckan(*command, timeout=6 * 3600)
        figures["rebuild"] = {"seconds": round(seconds, 1), "datasets_per_second": round(present / seconds, 1),
                              "command": "ckan " + " ".join(command),
                              "note": "whole rebuild process, CKAN start-up included"}
        log(f"rebuild: {seconds:.1f} s ({present / seconds:.0f} datasets/s)")
        save()

    with flask_app(app).test_request_context():
        import ckan.plugins.toolkit as tk

        indexed = tk.get_action("package_search")({"ignore_auth": True}, {"q": "", "rows": 0})["count"]
        figures["indexed_public_datasets"] = indexed
        log(f"package_search sees {indexed} datasets; measuring in-process latency")
        figures["package_search_in_process"] = measure_in_process(present, arguments.rounds)
        save()
        log("write-to-searchable delay")
        figures["write_to_searchable"] = measure_write_delay(arguments.write_samples)
        figures["sizes"] = database_sizes()
        from ckanext.publicdata.search import chinese

        figures["chinese_tokenizer"] = chinese.benchmark()
        save()

    if not arguments.skip_http:
        figures["http"] = measure_http(present, arguments.http_rate, arguments.http_seconds)

    figures["finished"] = dt.datetime.utcnow().isoformat(timespec="seconds") + "Z"
    save()
    summary = {key: figures[key] for key in figures if key not in ("package_search_in_process",)}
    summary["package_search_in_process"] = {k: v for k, v in figures["package_search_in_process"].items()
                                            if k != "hit_counts"}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    log(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
