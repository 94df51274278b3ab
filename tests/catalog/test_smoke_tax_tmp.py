import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_smoke():
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    ctx = {"user": sysadmin["name"], "ignore_auth": False}
    pkg = tk.get_action("package_create")(dict(ctx), {"title": "企业登记信息", "identifier": "37160000-0001-2024-000123",
        "owner_org": org["id"], "open_attribute": "unconditional", "priority_domains": ["health", "transport"],
        "theme": "economy"})
    print(pkg)
    assert pkg["name"] == "37160000-0001-2024-000123"
    res = tk.get_action("package_search")({"user": sysadmin["name"]}, {"q": "*:*", "facet.field": '["open_attribute","priority_domains"]'})
    print(res["search_facets"])
