#!/usr/bin/env python3
"""Writes relevance_set.yaml: realistic Chinese datasets of 滨州市 and judged queries for the search.

    .venv/bin/python tests/search/relevance/build_relevance_set.py

How relevance is judged: each topic below carries the *concepts* it is about (what a person would say the dataset
is about, from its title and description), each dataset a district (or the whole city) and a year (or none). Each
query is judged by a predicate on those attributes, written from what the query means — never from what the
tokenizer returns. Some judgments are known to be hard for any lexical search (降雨量 vs 降水量, 市场监管局 vs
市场监督管理局); they stay in on purpose. The YAML holds the explicit relevant ids, so the judgments can be read
and corrected there; re-running this script regenerates the same file (fixed seed).
"""
from __future__ import annotations

import pathlib
import random
from dataclasses import dataclass, field
from typing import Callable, Optional

import yaml

HERE = pathlib.Path(__file__).resolve().parent
CITY = "滨州市"
DISTRICTS = ["滨城区", "沾化区", "惠民县", "阳信县", "无棣县", "博兴县", "邹平市"]
PLACES = [CITY] + DISTRICTS
YEARS = [2019, 2020, 2021, 2022, 2023, 2024]

ORGANIZATIONS = {
    "ecology": ("city-ecology-environment", "滨州市生态环境局"),
    "market": ("city-market-regulation", "滨州市市场监督管理局"),
    "fund": ("city-housing-fund", "滨州市住房公积金管理中心"),
    "resources": ("city-natural-resources", "滨州市自然资源和规划局"),
    "transport": ("city-transport", "滨州市交通运输局"),
    "approval": ("city-administrative-approval", "滨州市行政审批服务局"),
    "bigdata": ("city-big-data-bureau", "滨州市大数据局"),
    "education": ("city-education", "滨州市教育局"),
    "health": ("city-health-commission", "滨州市卫生健康委员会"),
    "insurance": ("city-medical-insurance", "滨州市医疗保障局"),
    "hr": ("city-human-resources", "滨州市人力资源和社会保障局"),
    "civil": ("city-civil-affairs", "滨州市民政局"),
    "culture": ("city-culture-tourism", "滨州市文化和旅游局"),
    "agriculture": ("city-agriculture", "滨州市农业农村局"),
    "weather": ("city-meteorology", "滨州市气象局"),
    "emergency": ("city-emergency-management", "滨州市应急管理局"),
    "statistics": ("city-statistics", "滨州市统计局"),
    "finance": ("city-finance", "滨州市财政局"),
    "urban": ("city-urban-management", "滨州市城市管理局"),
    "police": ("city-public-security", "滨州市公安局"),
}


@dataclass
class Topic:
    key: str
    organization: str
    title: str  # {place} {year}
    notes: str  # {full} (滨州市 or 滨州市惠民县) {year} {org}
    tags: list[str]
    concepts: set[str]
    yearly: bool = False
    places: Optional[list[str]] = None  # None: random subset of PLACES
    count: tuple[int, int] = (3, 6)
    frequency: str = "annual"


T = Topic
TOPICS: list[Topic] = [
    # ecology and environment
    T("air_monitoring", "ecology", "{place}{year}年空气质量监测数据",
      "{full}国控、省控空气自动监测站{year}年逐日空气质量监测结果，包括PM2.5、PM10、二氧化硫、二氧化氮、一氧化碳、臭氧浓度及空气质量指数（AQI）。",
      ["空气质量", "环境监测", "大气"], {"air_quality", "air_monitoring", "pm25", "environment"}, yearly=True, count=(4, 7),
      frequency="daily"),
    T("aqi_daily", "ecology", "{place}环境空气质量日报",
      "{full}每日发布的环境空气质量指数（AQI）、首要污染物、空气质量级别及PM2.5、PM10日均浓度。",
      ["空气质量", "AQI"], {"air_quality", "air_monitoring", "pm25", "environment"}, count=(2, 4), frequency="daily"),
    T("pm25_hourly", "ecology", "{place}PM2.5小时浓度",
      "{full}各空气自动监测站细颗粒物（PM2.5）小时平均浓度，单位为微克/立方米。",
      ["PM2.5", "细颗粒物"], {"air_quality", "air_monitoring", "pm25", "environment"}, count=(2, 4), frequency="realtime"),
    T("dust", "ecology", "{place}建筑工地扬尘在线监测数据",
      "{full}建筑施工工地扬尘在线监测设备实时上传的颗粒物（PM10、TSP）浓度和噪声数据。",
      ["扬尘", "施工工地"], {"dust", "air_monitoring", "noise", "environment"}, count=(2, 3), frequency="realtime"),
    T("surface_water", "ecology", "{place}{year}年地表水水质监测结果",
      "{full}{year}年主要河流、湖库地表水监测断面水质类别、化学需氧量、氨氮、总磷等监测结果。",
      ["地表水", "水质"], {"water_quality", "environment"}, yearly=True, count=(3, 5), frequency="monthly"),
    T("drinking_water", "ecology", "{place}集中式饮用水水源地水质状况",
      "{full}县级以上集中式饮用水水源地水质监测结果及达标情况。",
      ["饮用水", "水源地", "水质"], {"water_quality", "drinking_water", "environment"}, count=(2, 4), frequency="quarterly"),
    T("pollutant_units", "ecology", "{place}重点排污单位名录",
      "{full}大气、水环境重点排污单位名录，包括单位名称、统一社会信用代码、排污类别和所在地址。",
      ["重点排污单位", "污染源"], {"pollution_source", "environment"}, count=(2, 4)),
    T("discharge_permit", "ecology", "{place}排污许可证核发信息",
      "{full}排污许可证核发、变更、延续和注销信息，包括持证单位、行业类别、许可排放浓度和有效期。",
      ["排污许可", "行政许可"], {"pollution_source", "license", "environment"}, count=(2, 4), frequency="monthly"),
    T("noise", "ecology", "{place}城市区域环境噪声监测",
      "{full}城市区域声环境、道路交通噪声监测点位及等效声级监测结果。",
      ["噪声", "声环境"], {"noise", "environment"}, count=(2, 3), frequency="quarterly"),
    # market regulation
    T("market_entity", "market", "{place}{year}年市场主体登记信息",
      "{full}{year}年新设立的企业、个体工商户、农民专业合作社等市场主体的名称、统一社会信用代码、类型、成立日期和登记机关。",
      ["市场主体", "登记注册"],
      {"market_entity", "enterprise", "enterprise_directory", "individual_business", "cooperative"},
      yearly=True, count=(4, 6), frequency="monthly"),
    T("enterprise_registry", "market", "{place}企业登记注册信息",
      "{full}在册企业的名称、统一社会信用代码、法定代表人、注册资本、经营范围和住所。",
      ["企业", "登记注册"], {"market_entity", "enterprise", "enterprise_directory"}, count=(3, 5), frequency="monthly"),
    T("individual_business", "market", "{place}个体工商户名录",
      "{full}个体工商户的字号名称、经营者、经营场所和经营范围。",
      ["个体工商户", "市场主体"], {"market_entity", "individual_business"}, count=(2, 4), frequency="monthly"),
    T("food_sampling", "market", "{place}{year}年食品安全监督抽检结果",
      "{full}{year}年食品安全监督抽检的产品名称、被抽样单位、检验项目和结论，包括不合格食品核查处置情况。",
      ["食品安全", "抽检"], {"food_safety", "inspection"}, yearly=True, count=(3, 5), frequency="monthly"),
    T("special_equipment", "market", "{place}特种设备使用登记信息",
      "{full}锅炉、压力容器、电梯、起重机械等特种设备的使用登记和定期检验信息。",
      ["特种设备", "电梯"], {"special_equipment"}, count=(2, 3), frequency="monthly"),
    T("random_inspection", "market", "{place}双随机一公开抽查结果",
      "{full}市场监管领域随机抽取检查对象、随机选派执法检查人员开展抽查，抽查情况及查处结果向社会公开。",
      ["双随机一公开", "抽查"], {"random_inspection", "inspection"}, count=(2, 4), frequency="quarterly"),
    T("drug_retail", "market", "{place}药品零售企业名录",
      "{full}取得药品经营许可证的药品零售企业（药店）名称、地址、经营范围和许可证有效期。",
      ["药品", "药店"], {"drug", "pharmacy", "enterprise", "enterprise_directory"}, count=(2, 4)),
    T("market_penalty", "market", "{place}市场监管行政处罚信息",
      "{full}市场监管部门作出的行政处罚决定，包括当事人、违法行为、处罚依据和处罚结果。",
      ["行政处罚", "市场监管"], {"penalty"}, count=(2, 3), frequency="monthly"),
    # housing provident fund
    T("fund_deposit", "fund", "{place}{year}年住房公积金缴存情况",
      "{full}{year}年住房公积金缴存单位数、缴存职工人数、缴存额和缴存余额统计。",
      ["住房公积金", "缴存"], {"housing_fund"}, yearly=True, count=(3, 5), frequency="monthly"),
    T("fund_loan", "fund", "{place}住房公积金个人住房贷款发放统计",
      "{full}住房公积金个人住房贷款发放笔数、发放金额、贷款余额和逾期率。",
      ["公积金贷款", "住房公积金"], {"housing_fund", "fund_loan"}, count=(2, 4), frequency="monthly"),
    T("fund_withdraw", "fund", "住房公积金提取业务办理指南", "{full}住房公积金提取的情形、所需材料、办理流程和办理时限。",
      ["住房公积金", "提取", "办事指南"], {"housing_fund", "service_guide"}, places=[CITY], count=(1, 1),
      frequency="irregular"),
    # natural resources
    T("real_estate", "resources", "{place}{year}年不动产登记业务量统计",
      "{full}{year}年不动产首次登记、转移登记、抵押登记等各类不动产登记业务办理量。",
      ["不动产登记", "业务统计"], {"real_estate_registration"}, yearly=True, count=(3, 5), frequency="monthly"),
    T("land_supply", "resources", "{place}国有建设用地供应结果",
      "{full}国有建设用地使用权出让、划拨的宗地位置、面积、用途和成交价格。",
      ["土地供应", "建设用地"], {"land"}, count=(2, 4), frequency="monthly"),
    T("spatial_plan", "resources", "{place}国土空间规划分区",
      "{full}国土空间总体规划确定的规划分区、生态保护红线、永久基本农田和城镇开发边界。",
      ["国土空间规划", "规划"], {"planning", "land"}, count=(1, 3), frequency="irregular"),
    T("geohazard", "resources", "{place}地质灾害隐患点分布",
      "{full}地面塌陷、地裂缝等地质灾害隐患点的位置、规模、威胁对象和监测责任人。",
      ["地质灾害", "隐患点"], {"geohazard"}, count=(1, 3)),
    # transport
    T("bus_routes", "transport", "{place}公交线路信息",
      "{full}城市公交和城乡公交线路的线路名称、首末班时间、票价和途经站点。",
      ["公交", "线路"], {"bus"}, count=(3, 5), frequency="monthly"),
    T("bus_stops", "transport", "{place}公交站点位置",
      "{full}公交站点名称、经纬度坐标和停靠线路。",
      ["公交", "站点"], {"bus", "bus_stop"}, count=(3, 5), frequency="monthly"),
    T("charging_piles", "transport", "{place}新能源汽车充电桩分布",
      "{full}面向社会开放的新能源汽车公共充电站及充电桩位置、数量、功率、运营单位和收费标准。",
      ["充电桩", "新能源汽车"], {"charging"}, count=(3, 5), frequency="monthly"),
    T("charging_stations", "transport", "{place}电动汽车公共充电站运营信息",
      "{full}电动汽车公共充电站名称、地址、快充慢充充电桩数量和运营时间。",
      ["充电设施", "电动汽车"], {"charging"}, count=(2, 3), frequency="monthly"),
    T("parking", "transport", "{place}公共停车场泊位信息",
      "{full}公共停车场名称、位置、泊位数量、收费标准和开放时间。",
      ["停车场", "泊位"], {"parking"}, count=(3, 5), frequency="monthly"),
    T("ride_hailing", "transport", "网约车平台公司经营许可信息",
      "{full}网络预约出租汽车经营者许可、车辆运输证和驾驶员证核发信息。",
      ["网约车", "出租汽车", "行政许可"], {"taxi", "license"}, places=[CITY], count=(1, 1), frequency="monthly"),
    T("ebikes", "police", "{place}{year}年电动自行车登记数量",
      "{full}{year}年电动自行车上牌登记数量，按品牌和登记月份统计。",
      ["电动自行车", "登记"], {"ebike"}, yearly=True, count=(2, 3), frequency="monthly"),
    # administrative approval, big data
    T("service_items", "approval", "{place}一网通办政务服务事项清单",
      "{full}依申请政务服务事项的事项名称、实施主体、办理时限和网办深度，可在一网通办平台在线办理。",
      ["一网通办", "政务服务"], {"one_network", "service_items", "gov_services"}, count=(3, 5), frequency="monthly"),
    T("business_start", "approval", "{place}{year}年企业开办办理情况",
      "{full}{year}年企业开办全流程办理件数、平均办理时间和一窗通办情况。",
      ["企业开办", "营商环境"], {"business_start", "gov_services", "enterprise"}, yearly=True, count=(2, 4),
      frequency="monthly"),
    T("licenses", "approval", "{place}{year}年行政许可信息",
      "{full}{year}年作出的行政许可决定，包括许可事项、行政相对人、许可证号和有效期。",
      ["行政许可", "双公示"], {"license", "gov_services"}, yearly=True, count=(3, 5), frequency="daily"),
    T("hotline", "bigdata", "{place}{year}年12345热线工单受理情况",
      "{full}12345政务服务便民热线{year}年受理的咨询、求助、投诉、建议工单数量，按诉求类型和承办单位统计。",
      ["12345热线", "诉求"], {"hotline"}, yearly=True, count=(3, 5), frequency="monthly"),
    T("hotline_topics", "bigdata", "12345政务服务便民热线热点诉求分析",
      "{full}12345热线月度热点诉求、办结率和满意率分析。",
      ["12345热线", "热点诉求"], {"hotline"}, places=[CITY], count=(1, 1), frequency="monthly"),
    T("open_catalog", "bigdata", "{place}公共数据开放目录",
      "{full}公共数据开放目录，包括目录名称、开放属性、更新频率和数据提供单位。",
      ["公共数据", "开放目录"], {"open_catalog"}, count=(1, 3), frequency="quarterly"),
    # education, health, insurance, human resources, civil affairs
    T("schools", "education", "{place}中小学校名录",
      "{full}普通中小学校名称、办学类型、学段、地址和联系电话。",
      ["中小学", "学校"], {"schools"}, count=(3, 5)),
    T("kindergartens", "education", "{place}幼儿园名录",
      "{full}公办和民办幼儿园名称、性质、地址和招生规模。",
      ["幼儿园", "学前教育"], {"kindergarten"}, count=(2, 4)),
    T("school_districts", "education", "{place}{year}年义务教育学区划分",
      "{full}{year}年义务教育阶段公办中小学招生学区（施教区）划分范围。",
      ["学区", "义务教育", "招生"], {"school_district", "schools"}, yearly=True, count=(2, 4)),
    T("medical_institutions", "health", "{place}医疗机构基本信息",
      "{full}医院、卫生院、社区卫生服务中心等医疗机构的名称、类别、等级、床位数和地址。",
      ["医疗机构", "医院"], {"medical_institution"}, count=(3, 5), frequency="quarterly"),
    T("vaccination", "health", "{place}预防接种门诊信息",
      "{full}预防接种门诊（疫苗接种点）名称、地址、接种时间和咨询电话。",
      ["疫苗接种", "预防接种"], {"vaccination"}, count=(2, 3), frequency="quarterly"),
    T("nucleic_test", "health", "{place}核酸检测机构名单",
      "{full}具备新冠病毒核酸检测能力的检测机构名称、地址和服务时间。",
      ["核酸检测"], {"nucleic_test"}, count=(1, 3), frequency="irregular"),
    T("designated_hospitals", "insurance", "{place}医保定点医疗机构名单",
      "{full}基本医疗保险定点医疗机构（医院、卫生院、诊所）名称、等级和地址。",
      ["医保定点", "定点医疗机构"], {"designated_medical", "medical_institution", "medical_insurance"}, count=(3, 5),
      frequency="quarterly"),
    T("designated_pharmacies", "insurance", "{place}医保定点零售药店",
      "{full}基本医疗保险定点零售药店的名称、地址和营业时间。",
      ["医保定点", "药店"], {"designated_pharmacy", "pharmacy", "medical_insurance"}, count=(2, 4), frequency="quarterly"),
    T("medical_insurance_enrolment", "insurance", "{place}{year}年基本医疗保险参保人数",
      "{full}{year}年职工基本医疗保险和城乡居民基本医疗保险参保人数统计。",
      ["医疗保险", "参保"], {"medical_insurance"}, yearly=True, count=(2, 4)),
    T("social_security_card", "hr", "{place}社会保障卡服务网点",
      "{full}社会保障卡（社保卡）申领、补换、挂失服务网点的名称、地址和办理时间。",
      ["社会保障卡", "服务网点"], {"social_security_card"}, count=(2, 3), frequency="quarterly"),
    T("pension", "hr", "{place}{year}年养老保险参保情况",
      "{full}{year}年企业职工基本养老保险和城乡居民基本养老保险参保人数、缴费人数和待遇领取人数。",
      ["养老保险", "社会保险"], {"pension_insurance"}, yearly=True, count=(2, 4)),
    T("jobs", "hr", "{place}招聘岗位信息",
      "{full}用人单位发布的招聘岗位、招聘人数、学历要求、薪酬待遇和联系方式。",
      ["招聘", "就业"], {"employment"}, count=(2, 4), frequency="weekly"),
    T("elderly_care", "civil", "{place}养老机构名录",
      "{full}养老院、敬老院等养老机构的名称、床位数、收费标准和地址。",
      ["养老机构", "养老服务"], {"elderly_care"}, count=(3, 5)),
    T("social_organizations", "civil", "{place}社会组织登记信息",
      "{full}社会团体、民办非企业单位和基金会的登记信息。",
      ["社会组织"], {"social_organization"}, count=(2, 3), frequency="monthly"),
    T("minimum_living", "civil", "{place}{year}年城乡最低生活保障统计",
      "{full}{year}年城乡低保对象人数、保障标准和保障金支出。",
      ["最低生活保障", "低保", "社会救助"], {"minimum_living"}, yearly=True, count=(2, 4), frequency="quarterly"),
    T("marriage_offices", "civil", "{place}婚姻登记机关信息",
      "{full}婚姻登记处地址、办公时间、咨询电话和预约方式。",
      ["婚姻登记"], {"marriage"}, count=(1, 3), frequency="irregular"),
    # culture and tourism
    T("scenic_spots", "culture", "{place}A级旅游景区名录",
      "{full}国家A级旅游景区名称、等级、地址、开放时间和门票价格。",
      ["景区", "旅游"], {"scenic_spot"}, count=(3, 5)),
    T("relics", "culture", "{place}文物保护单位名录",
      "{full}各级文物保护单位名称、年代、类别和公布批次。",
      ["文物保护单位", "文物"], {"cultural_relic"}, count=(2, 3)),
    T("heritage", "culture", "{place}非物质文化遗产代表性项目名录",
      "{full}国家级、省级、市级非物质文化遗产代表性项目及保护单位。",
      ["非物质文化遗产", "非遗"], {"intangible_heritage"}, count=(2, 3)),
    # agriculture
    T("farmland", "agriculture", "{place}{year}年高标准农田建设项目",
      "{full}{year}年高标准农田建设项目名称、建设地点、建设规模和投资。",
      ["高标准农田", "农田建设"], {"farmland"}, yearly=True, count=(2, 4)),
    T("cooperatives", "agriculture", "{place}农民专业合作社名录",
      "{full}农民专业合作社的名称、统一社会信用代码、主营业务和成员数量。",
      ["合作社", "农业经营主体"], {"cooperative", "market_entity"}, count=(2, 4)),
    T("winter_wheat", "agriculture", "{place}{year}年冬小麦播种面积和产量",
      "{full}{year}年冬小麦播种面积、单产和总产量统计。",
      ["冬小麦", "粮食生产"], {"crops", "wheat"}, yearly=True, count=(2, 4)),
    T("jujube", "agriculture", "沾化冬枣种植面积及产量",
      "滨州市沾化区冬枣种植面积、挂果面积、总产量和主要销售渠道。",
      ["沾化冬枣", "特色农业"], {"crops", "jujube"}, places=["沾化区"], count=(1, 1)),
    # meteorology, emergency
    T("precipitation", "weather", "{place}{year}年逐月降水量",
      "{full}{year}年各国家气象观测站逐月降水量及与常年同期比较。",
      ["降水", "气象观测"], {"precipitation", "weather"}, yearly=True, count=(2, 4), frequency="monthly"),
    T("weather_warnings", "weather", "{place}气象灾害预警信号发布信息",
      "{full}暴雨、大风、寒潮、高温等气象灾害预警信号的发布时间、级别和解除时间。",
      ["气象预警", "预警信号"], {"weather_warning", "weather"}, count=(2, 3), frequency="realtime"),
    T("temperature", "weather", "{place}{year}年气温观测数据",
      "{full}{year}年各气象观测站逐日平均气温、最高气温和最低气温。",
      ["气温", "气象观测"], {"temperature", "weather"}, yearly=True, count=(2, 3), frequency="daily"),
    T("shelters", "emergency", "{place}应急避难场所分布",
      "{full}应急避难场所名称、类型、可容纳人数、地址和疏散路线。",
      ["应急避难场所", "应急管理"], {"shelter"}, count=(2, 4)),
    T("safety_licenses", "emergency", "{place}安全生产许可证发放信息",
      "{full}危险化学品生产、非煤矿山等企业安全生产许可证发放、延期和注销信息。",
      ["安全生产", "行政许可"], {"safety_production", "license", "enterprise"}, count=(2, 3), frequency="monthly"),
    # statistics, finance, city management, public security
    T("statistical_bulletin", "statistics", "{place}{year}年国民经济和社会发展统计公报",
      "{full}{year}年地区生产总值、人口、农业、工业、固定资产投资、居民收入等主要统计数据。",
      ["统计公报", "国民经济"], {"statistical_bulletin", "economy", "population"}, yearly=True, count=(3, 5)),
    T("industry_above_scale", "statistics", "{place}{year}年规模以上工业企业主要指标",
      "{full}{year}年规模以上工业企业数量、营业收入、利润总额和工业增加值增速。",
      ["规模以上工业", "工业统计"], {"industry_above_scale", "economy", "enterprise"}, yearly=True, count=(2, 4),
      frequency="monthly"),
    T("population", "statistics", "{place}{year}年常住人口数据",
      "{full}{year}年末常住人口、城镇化率、出生率和人口年龄结构。",
      ["人口", "常住人口"], {"population"}, yearly=True, count=(2, 4)),
    T("budget", "finance", "{place}{year}年财政预算公开",
      "{full}{year}年一般公共预算收支、政府性基金预算和三公经费预算。",
      ["财政预算", "预算公开"], {"budget"}, yearly=True, count=(2, 4)),
    T("procurement", "finance", "{place}{year}年政府采购项目公告",
      "{full}{year}年政府采购项目的采购方式、预算金额、中标供应商和成交金额。",
      ["政府采购", "采购公告"], {"procurement"}, yearly=True, count=(2, 4), frequency="daily"),
    T("garbage_sorting", "urban", "{place}生活垃圾分类投放点",
      "{full}居民小区生活垃圾分类投放点位置和可回收物、厨余垃圾、有害垃圾、其他垃圾收运时间。",
      ["垃圾分类", "生活垃圾"], {"garbage"}, count=(2, 3), frequency="quarterly"),
    T("traffic_violations", "police", "{place}交通违法高发路段",
      "{full}机动车交通违法行为高发路段、违法类型和发生时段统计。",
      ["交通违法", "道路交通"], {"traffic_violation"}, count=(2, 3), frequency="monthly"),
]

# A few titles as they arrive from real uploads: full-width characters or traditional script.
TITLE_VARIANTS = {
    ("pm25_hourly", "沾化区"): "沾化区ＰＭ２．５小时浓度",
    ("fund_deposit", "博兴县", 2021): "博興縣2021年住房公積金繳存情況",
}


# Instances that must exist whatever the random draw gives, so that every judged query has relevant datasets.
REQUIRED_INSTANCES = {
    "air_monitoring": [(CITY, 2023), ("邹平市", 2023)],
    "charging_piles": [("阳信县", None)],
    "bus_stops": [("滨城区", None)],
    "real_estate": [(CITY, 2022)],
    "market_entity": [("无棣县", 2023)],
    "enterprise_registry": [("惠民县", None)],
    "scenic_spots": [("博兴县", None)],
    "fund_deposit": [("博兴县", 2021)],
    "pm25_hourly": [("沾化区", None)],
    "licenses": [("邹平市", 2021)],
}


@dataclass
class Dataset:
    id: str
    topic: str
    organization: str
    place: str
    year: Optional[int]
    title: str
    notes: str
    tags: list[str]
    concepts: set[str] = field(default_factory=set)
    frequency: str = "annual"


def build_datasets() -> list[Dataset]:
    rng = random.Random(371600)
    datasets: list[Dataset] = []
    for topic in TOPICS:
        low, high = topic.count
        places = topic.places or rng.sample(PLACES, k=min(len(PLACES), rng.randint(low, high) + 1))
        instances = [
            (place, year) for place in places
            for year in (sorted(rng.sample(YEARS, k=rng.randint(1, 2))) if topic.yearly else [None])
        ]
        instances += [i for i in REQUIRED_INSTANCES.get(topic.key, []) if i not in instances]
        for place, year in instances:
            if True:
                full = CITY if place == CITY else CITY + place
                org_name, org_title = ORGANIZATIONS[topic.organization]
                title = TITLE_VARIANTS.get((topic.key, place, year)) or TITLE_VARIANTS.get((topic.key, place)) \
                    or topic.title.format(place=place, year=year)
                notes = topic.notes.format(full=full, year=year) + f"数据由{org_title}提供。"
                datasets.append(Dataset(
                    id=f"zh-{len(datasets) + 1:03d}", topic=topic.key, organization=org_name, place=place,
                    year=year, title=title, notes=notes, tags=list(topic.tags), concepts=set(topic.concepts),
                    frequency=topic.frequency,
                ))
    return datasets


Judge = Callable[[Dataset], bool]


def about(*concepts: str) -> Judge:
    return lambda d: any(c in d.concepts for c in concepts)


def both(*judges: Judge) -> Judge:
    return lambda d: all(j(d) for j in judges)


def place(name: str) -> Judge:
    return lambda d: d.place == name


def year(value: int) -> Judge:
    return lambda d: d.year == value


def organization(name: str) -> Judge:
    return lambda d: d.organization == name


# (query, meaning in a few words, judge). A district in a query means that district's own datasets, not the
# city-wide ones; a year means datasets about that year, not continuously updated ones.
QUERIES: list[tuple[str, str, Judge]] = [
    ("空气质量", "ambient air quality data", about("air_quality")),
    ("空气质量监测", "air quality monitoring data", about("air_quality")),
    ("空气监测", "any monitoring of the air, incl. construction dust", about("air_monitoring")),
    ("滨州空气质量", "air quality in Binzhou (the whole catalogue is Binzhou)", about("air_quality")),
    ("2023年空气质量", "air quality data of 2023", both(about("air_quality"), year(2023))),
    ("PM2.5", "data with PM2.5 values", about("pm25")),
    ("ＰＭ２．５", "full-width PM2.5", about("pm25")),
    ("環境空氣質量", "traditional: ambient air quality", about("air_quality")),
    ("水质监测", "water quality monitoring", about("water_quality")),
    ("饮用水", "drinking water", about("drinking_water")),
    ("排污", "pollution sources / discharge", about("pollution_source")),
    ("噪声", "noise data", about("noise")),
    ("惠民县企业", "enterprises in Huimin county", both(place("惠民县"), about("enterprise"))),
    ("企业名录", "directories of enterprises", about("enterprise_directory")),
    ("市场主体", "registered market entities", about("market_entity")),
    ("个体工商户", "individual businesses", about("individual_business")),
    ("无棣县 市场主体", "market entities of Wudi county", both(place("无棣县"), about("market_entity"))),
    ("食品安全抽检", "food safety sampling", about("food_safety")),
    ("双随机一公开", "random inspections", about("random_inspection")),
    ("特种设备", "special equipment", about("special_equipment")),
    ("药店", "pharmacies", about("pharmacy")),
    ("行政处罚", "administrative penalties", about("penalty")),
    ("市场监管局", "datasets of the market regulation bureau", organization("city-market-regulation")),
    ("住房公积金", "housing provident fund", about("housing_fund")),
    ("公積金貸款", "traditional: provident fund loans", about("fund_loan")),
    ("不動產登記", "traditional: real estate registration", about("real_estate_registration")),
    ("2022年不动产登记", "real estate registration in 2022", both(about("real_estate_registration"), year(2022))),
    ("充电桩", "EV charging piles", about("charging")),
    ("电桩", "fragment of 充电桩", about("charging")),
    ("新能源汽車充電樁", "traditional: NEV charging piles", about("charging")),
    ("阳信县充电桩", "charging piles in Yangxin county", both(place("阳信县"), about("charging"))),
    ("电动自行车", "electric bicycles", about("ebike")),
    ("公交", "public buses", about("bus")),
    ("滨城区公交站点", "bus stops in Bincheng district", both(place("滨城区"), about("bus_stop"))),
    ("停车场", "parking lots", about("parking")),
    ("网约车", "ride hailing", about("taxi")),
    ("一网通办", "one-network government services", about("one_network")),
    ("政务服务事项", "government service item lists", about("service_items")),
    ("行政许可", "administrative licences", about("license")),
    ("企业开办", "business start-up processing", about("business_start")),
    ("12345热线", "the 12345 hotline", about("hotline")),
    ("12345", "the 12345 hotline by its number", about("hotline")),
    ("热线工单", "hotline work orders", about("hotline")),
    ("公共数据开放目录", "the open data catalogue", about("open_catalog")),
    ("中小学", "primary and secondary schools", about("schools")),
    ("幼儿园", "kindergartens", about("kindergarten")),
    ("学区划分", "school district zoning", about("school_district")),
    ("医疗机构", "medical institutions", about("medical_institution")),
    ("定点医院", "insurance-designated hospitals", about("designated_medical")),
    ("医保", "medical insurance", about("medical_insurance")),
    ("疫苗接种", "vaccination", about("vaccination")),
    ("社保卡", "social security card", about("social_security_card")),
    ("养老保险", "pension insurance", about("pension_insurance")),
    ("养老机构", "elderly care homes", about("elderly_care")),
    ("低保", "minimum living allowance", about("minimum_living")),
    ("婚姻登记", "marriage registration", about("marriage")),
    ("招聘", "job vacancies", about("employment")),
    ("景区", "scenic spots", about("scenic_spot")),
    ("博兴县景区", "scenic spots of Boxing county", both(place("博兴县"), about("scenic_spot"))),
    ("文物", "cultural relics", about("cultural_relic")),
    ("非遗", "intangible cultural heritage (abbreviation)", about("intangible_heritage")),
    ("高标准农田", "high-standard farmland", about("farmland")),
    ("合作社", "farmers' cooperatives", about("cooperative")),
    ("冬小麦", "winter wheat", about("wheat")),
    ("冬枣", "winter jujube", about("jujube")),
    ("降雨量", "rainfall (the datasets say 降水量)", about("precipitation")),
    ("气象预警", "weather warnings", about("weather_warning")),
    ("应急避难场所", "emergency shelters", about("shelter")),
    ("安全生产", "work safety", about("safety_production")),
    ("统计公报", "statistical bulletins", about("statistical_bulletin")),
    ("规模以上工业", "industry above designated size", about("industry_above_scale")),
    ("人口", "population data", about("population")),
    ("财政预算", "fiscal budgets", about("budget")),
    ("政府采购", "government procurement", about("procurement")),
    ("垃圾分类", "garbage sorting", about("garbage")),
    ("交通违法", "traffic violations", about("traffic_violation")),
    ("地质灾害", "geological hazards", about("geohazard")),
    ("沾化区", "everything of Zhanhua district", place("沾化区")),
    ("邹平市 2021年", "Zouping datasets about 2021", both(place("邹平市"), year(2021))),
    ("充电桩信息", "charging piles, typed with a filler word", about("charging")),
    ("养老机构信息查询", "elderly care homes, typed as a request", about("elderly_care")),
    ("滨州市的空气质量数据", "air quality, typed as a phrase", about("air_quality")),
]


def main() -> None:
    datasets = build_datasets()
    queries = []
    for text, meaning, judge in QUERIES:
        relevant = [d.id for d in datasets if judge(d)]
        queries.append({"query": text, "meaning": meaning, "relevant": relevant})
    empty = [q["query"] for q in queries if not q["relevant"]]
    if empty:
        raise SystemExit(f"queries without any relevant dataset: {empty}")
    document = {
        "about": "Relevance set for the embedded Chinese search; generated by build_relevance_set.py "
                 "(judged by meaning: topic concepts, district, year — see the script).",
        "organizations": [{"name": n, "title": t} for n, t in ORGANIZATIONS.values()],
        "datasets": [
            {"id": d.id, "organization": d.organization, "title": d.title, "notes": d.notes, "tags": d.tags,
             "place": d.place, "year": d.year, "update_frequency": d.frequency}
            for d in datasets
        ],
        "queries": queries,
    }
    out = HERE / "relevance_set.yaml"
    out.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    print(f"{out}: {len(datasets)} datasets, {len(queries)} queries")


if __name__ == "__main__":
    main()
