"""Read a rendered form back into the data a browser would send, for tests of edit pages."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup


def form_data(html: bytes | str, form_id: str | None = None) -> dict[str, Any]:
    """The values of the page's main post form (the one with the most fields, or the one with
    ``form_id``), as a browser would submit them unchanged: lists for multiple selects and
    checkbox groups."""
    soup = BeautifulSoup(html, "html.parser")
    if form_id:
        form = soup.find("form", id=form_id)
    else:
        forms = soup.find_all("form", method="post")
        form = max(forms, key=lambda f: len(f.find_all(["input", "select", "textarea"])))
    assert form is not None, "no form on the page"
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = [
                option.get("value", option.text)
                for option in field.find_all("option")
                if option.has_attr("selected")
            ]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
            else:
                first = field.find("option")
                data[name] = first.get("value", "") if first else ""
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                value = field.get("value", "on")
                if field.get("type") == "checkbox" and name in data:
                    existing = data[name]
                    data[name] = [*(existing if isinstance(existing, list) else [existing]), value]
                else:
                    data[name] = value
        elif field.get("type") in {"submit", "button", "file", "image", "reset"}:
            continue
        else:
            data[name] = field.get("value", "")
    return data


CONFLICT = "Iemand anders heeft dit net gewijzigd"


def second_writer_conflicts(
    first: Any, second: Any, url: str, first_change: dict[str, Any], second_change: dict[str, Any]
) -> Any:
    """Both open the same form; the first saves, then the second. Returns the second's
    response after checking it is the conflict page with their own input back in the form."""
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first_form.get("version") and first_form["version"] == second_form["version"]
    saved = first.post(url, {**first_form, **first_change})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    response = second.post(url, {**second_form, **second_change})
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    again = form_data(response.content)
    for name, value in second_change.items():
        assert again[name] == value, name  # their own input is back
    assert int(again["version"]) > int(second_form["version"])  # now based on what is stored
    return response
