"""Organization schema (ROLE-1, ROLE-2; BZ-R 21, SU 35): agency code checksum, level, authority, officers."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.catalog.taxonomy_setup import CITY_AUTHORITY, agency_code, api_headers


def _create(user: str, **fields) -> dict:
    data = {"name": fields.pop("name", "city-market-regulation"), "title": "滨州市市场监督管理局"}
    data.update(fields)
    return tk.get_action("organization_create")({"user": user}, data)


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()["name"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOrganizationSchema:
    def test_all_fields_are_stored(self, sysadmin):
        factories.Organization(name=CITY_AUTHORITY)
        code = agency_code("MB1234567")
        org = _create(sysadmin, agency_code=code.lower(), level="city", parent_authority=CITY_AUTHORITY,
                      district="371600", responsible_person="张三", responsible_phone="0543-3161234",
                      cdo_name="李四", cdo_phone="13800000000")
        shown = tk.get_action("organization_show")({}, {"id": org["id"]})
        assert shown["agency_code"] == code  # normalised to upper case
        assert (shown["level"], shown["parent_authority"], shown["district"]) == ("city", CITY_AUTHORITY, "371600")
        assert (shown["responsible_person"], shown["cdo_name"], shown["cdo_phone"]) == ("张三", "李四", "13800000000")

    def test_published_code_of_a_government_body_is_accepted(self, sysadmin):
        org = _create(sysadmin, agency_code="11100000000013127D")
        assert org["agency_code"] == "11100000000013127D"

    @pytest.mark.parametrize("code", ["11371600MB123456", "11371600MB1234567Z"])
    def test_a_code_failing_its_check_is_refused_with_a_bilingual_error(self, sysadmin, code):
        valid = agency_code("MB1234567")
        wrong = code if len(code) != 18 else valid[:-1] + ("0" if valid[-1] != "0" else "1")
        with pytest.raises(tk.ValidationError) as error:
            _create(sysadmin, agency_code=wrong)
        message = error.value.error_dict["agency_code"][0]
        assert "统一社会信用代码" in message and "code" in message

    def test_one_organization_per_code(self, sysadmin):
        code = agency_code("MB7654321")
        _create(sysadmin, name="first-agency", agency_code=code)
        with pytest.raises(tk.ValidationError) as error:
            _create(sysadmin, name="second-agency", agency_code=code)
        assert "滨州市市场监督管理局" in error.value.error_dict["agency_code"][0]

    def test_parent_authority_must_exist_and_not_be_itself(self, sysadmin):
        with pytest.raises(tk.ValidationError) as missing:
            _create(sysadmin, parent_authority="no-such-bureau")
        assert "parent_authority" in missing.value.error_dict
        org = _create(sysadmin, name="self-loop")
        with pytest.raises(tk.ValidationError) as loop:
            tk.get_action("organization_patch")({"user": sysadmin}, {"id": org["id"], "parent_authority": "self-loop"})
        assert "parent_authority" in loop.value.error_dict

    def test_phone_and_level_are_checked(self, sysadmin):
        with pytest.raises(tk.ValidationError) as error:
            _create(sysadmin, level="province", cdo_phone="打电话", district="37")
        assert {"level", "cdo_phone", "district"} <= set(error.value.error_dict)

    def test_an_agency_admin_edits_its_officers_but_not_its_level_or_authority(self, sysadmin):
        factories.Organization(name=CITY_AUTHORITY)
        factories.Organization(name="bincheng-data-bureau", level="county", parent_authority=CITY_AUTHORITY)
        admin = factories.User()
        org = factories.Organization(name="bincheng-market", level="county", parent_authority="bincheng-data-bureau",
                                     users=[{"name": admin["name"], "capacity": "admin"}])
        tk.get_action("organization_patch")({"user": admin["name"]}, {"id": org["id"], "cdo_name": "王五"})
        assert tk.get_action("organization_show")({}, {"id": org["id"]})["cdo_name"] == "王五"
        for field, value in (("parent_authority", CITY_AUTHORITY), ("level", "city")):
            with pytest.raises(tk.ValidationError) as error:
                tk.get_action("organization_patch")({"user": admin["name"]}, {"id": org["id"], field: value})
            assert field in error.value.error_dict
        stored = tk.get_action("organization_show")({}, {"id": org["id"]})
        assert (stored["level"], stored["parent_authority"]) == ("county", "bincheng-data-bureau")
        tk.get_action("organization_patch")({"user": sysadmin}, {"id": org["id"], "parent_authority": CITY_AUTHORITY})
        assert tk.get_action("organization_show")({}, {"id": org["id"]})["parent_authority"] == CITY_AUTHORITY

    def test_bad_code_through_the_http_api_is_409(self, app, sysadmin):
        response = app.post(tk.url_for("api.action", ver=3, logic_function="organization_create"),
                            json={"name": "bad-code", "agency_code": "11371600MB1234567Z"},
                            headers=api_headers(sysadmin), status=409)
        assert "agency_code" in response.json["error"]
