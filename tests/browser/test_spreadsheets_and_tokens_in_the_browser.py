"""In the browser: a manager exports her unit, changes a target in the spreadsheet and imports it
back; a person makes an API token, another system uses it, and it stops working once revoked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from objectives.models import KeyResult
from okrplatform.org.models import OrgUnit, User

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_goes_out_to_a_spreadsheet_and_a_changed_target_comes_back(
    new_context, demo, tmp_path
):
    User.objects.filter(username="elena").update(language="en")
    company = OrgUnit.objects.get(parent=None)
    page = new_context(accept_downloads=True).new_page()
    sign_in(page, "elena")
    page.goto(f"/units/{company.pk}/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    spreadsheet = tmp_path / download.value.suggested_filename
    download.value.save_as(spreadsheet)
    assert spreadsheet.suffix == ".xlsx"

    workbook = load_workbook(spreadsheet)
    sheet = workbook["OKRs"]
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[header.index("key_result")].value)
    objective_title = row[header.index("objective")].value
    key_result_title = row[header.index("key_result")].value
    new_target = Decimal(str(row[header.index("target")].value)) + 7
    row[header.index("target")].value = float(new_target)
    workbook.save(spreadsheet)

    page.goto("/import/")
    page.get_by_label("Spreadsheet").set_input_files(spreadsheet)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="0 to create, 1 to update")).to_be_visible()
    expect(page.get_by_role("cell", name=key_result_title, exact=True)).to_be_visible()
    old_target = KeyResult.objects.get(
        title=key_result_title, objective__title=objective_title
    ).target_value
    assert old_target != new_target, "nothing is saved before the confirmation"
    expect(
        page.get_by_text(f"target: {old_target.normalize():f} → {new_target.normalize():f}")
    ).to_be_visible()
    screenshot(page, "import-preview")

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: 0 created, 1 updated")).to_be_visible()
    key_result = KeyResult.objects.get(title=key_result_title, objective__title=objective_title)
    assert key_result.target_value == new_target


def test_a_token_made_on_its_page_lets_another_system_in_until_it_is_revoked(new_context, demo):
    User.objects.filter(username="elena").update(language="en")
    page = new_context().new_page()
    sign_in(page, "elena")
    page.goto("/account/tokens/")
    page.get_by_label("Name").fill("BI nightly")
    page.get_by_role("button", name="Make a token").click()
    key = page.locator("#new-token").inner_text().strip()
    screenshot(page, "api-token-made")

    other_system = new_context().request  # no session: only the token
    headers = {"Authorization": f"Token {key}"}
    assert other_system.get("/api/objectives/", headers=headers).status == 200
    assert other_system.get("/api/objectives/").status == 401

    page.goto("/account/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # shown once, never again
    expect(page.get_by_role("cell", name="BI nightly", exact=True)).to_be_visible()
    page.get_by_role("button", name="Revoke BI nightly").click()
    expect(page.get_by_text("Token revoked")).to_be_visible()
    assert other_system.get("/api/objectives/", headers=headers).status == 401
