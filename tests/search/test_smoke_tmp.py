import pytest
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

@pytest.mark.ckan_config("ckan.plugins", "publicdata_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_smoke():
    org = factories.Organization(name="env-bureau", title="生态环境局")
    d1 = factories.Dataset(title="滨州市2023年空气质量监测数据", owner_org=org["id"], tags=[{"name": "空气"}],
                           resources=[{"url": "http://x/a.csv", "format": "CSV"}])
    d2 = factories.Dataset(title="Rivers of the city", owner_org=org["id"], tags=[{"name": "water"}])
    r = helpers.call_action("package_search", q="空气质量", **{"facet.field": '["tags","organization","res_format"]'})
    print(r["count"], [x["title"] for x in r["results"]], r["facets"])
    assert r["count"] == 1
    r = helpers.call_action("package_search", fq='tags:"water"')
    assert r["count"] == 1
    r = helpers.call_action("package_search", sort="title_string asc")
    assert [x["title"] for x in r["results"]][0] == "Rivers of the city"
    r = helpers.call_action("package_show", id=d1["id"])
    print(helpers.call_action("package_autocomplete", q="riv"))
