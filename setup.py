"""ckanext-publicdata: a CKAN extension for a Chinese city's public-data open portal."""
from __future__ import annotations

from setuptools import find_namespace_packages, setup

# CKAN 2.11, latest patch, with its own pinned requirements; the CKAN extensions the portal is built on.
INSTALL_REQUIRES = [
    "ckan[requirements]==2.11.6",
    "ckanext-scheming==3.1.0",
    "ckanext-harvest==1.6.3",
    "ckanext-dcat==2.4.4",
    "ckanapi==4.11",
    "psycopg2==2.9.11",
    # embedded search: Chinese segmentation, Lucene query parsing, traditional→simplified, pinyin
    "rjieba==0.2.2",
    "luqum==1.0.0",
    "opencc==1.4.2",
    "pypinyin==0.55.0",
    # mainland-China working-day calendar (holidays and 调休 working weekends)
    "chinesecalendar==1.11.0",
    # XLSX import and export (open list, harvest of agency catalog files, PII scan)
    "openpyxl==3.1.5",
    # streaming JSON parser (personal-information scan of JSON resources, SEC-1)
    "ijson==3.6.0",
]

TEST_REQUIRES = [
    # CKAN's own test dependencies (its pytest plugin ships inside the ckan package)
    "pytest==8.3.4",
    "pytest-factoryboy==2.7.0",
    "factory-boy==3.3.0",
    "Faker==26.0.0",
    "freezegun==1.5.1",
    "pytest-freezegun==0.4.2",
    "responses==0.25.3",
    "beautifulsoup4==4.12.3",
    "pytest-rerunfailures==15.0",
    # browser tests drive Debian's chromium (never a downloaded browser)
    "playwright==1.65.2",
]

setup(
    name="ckanext-publicdata",
    version="0.1.0",
    description="CKAN extension for a city public-data open portal (公共数据开放网)",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir={"": "ckanext-publicdata"},
    packages=find_namespace_packages(where="ckanext-publicdata", include=["ckanext.*"]),
    include_package_data=True,
    zip_safe=False,
    install_requires=INSTALL_REQUIRES,
    extras_require={"test": TEST_REQUIRES},
    entry_points={
        "ckan.plugins": [
            "publicdata = ckanext.publicdata.plugin:PublicdataPlugin",
            "publicdata_search = ckanext.publicdata.plugin:PublicdataSearchPlugin",
            "publicdata_dcat = ckanext.publicdata.catalog.dcat:PublicdataDCATPlugin",
            "publicdata_access = ckanext.publicdata.access.plugin:PublicdataAccessPlugin",
            "publicdata_feedback = ckanext.publicdata.feedback.plugin:PublicdataFeedbackPlugin",
            "publicdata_harvest = ckanext.publicdata.harvest.plugin:PublicdataHarvestPlugin",
            "publicdata_node_harvester = ckanext.publicdata.harvest.harvesters.node:PublicdataNodeHarvester",
            "publicdata_ckan_harvester = ckanext.publicdata.harvest.harvesters.ckan:PublicdataCKANHarvester",
            "publicdata_catalog_file_harvester = "
            "ckanext.publicdata.harvest.harvesters.catalog_file:PublicdataCatalogFileHarvester",
            "publicdata_dcat_harvester = ckanext.publicdata.harvest.harvesters.dcat:PublicdataDCATHarvester",
            "publicdata_json_harvester = ckanext.publicdata.harvest.harvesters.json_api:PublicdataJSONHarvester",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
        "ckan.rdf.profiles": [
            "publicdata = ckanext.publicdata.catalog.dcat:PublicdataDCATProfile",
            "publicdata_schemaorg = ckanext.publicdata.catalog.dcat:PublicdataSchemaOrgProfile",
        ],
    },
    message_extractors={
        "ckanext-publicdata/ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
