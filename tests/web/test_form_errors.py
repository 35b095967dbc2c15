"""A service's error lands next to the field it names, or atop the form — never lost."""

from __future__ import annotations

import pytest
from flask import g
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, StringField

from fund.errors import InvalidInput
from web.form_errors import attach_domain_error


class _Form(FlaskForm):
    class Meta:
        csrf = False

    amount = StringField("จำนวนเงิน")
    cancel_reason = StringField("เหตุผล")
    token = HiddenField()


@pytest.fixture
def form(app):
    with app.test_request_context("/", method="POST"):
        g.locale = "th"
        f = _Form(formdata=MultiDict({}))
        f.validate()
        yield f


def _err(field):
    return InvalidInput("ผิด", "wrong", field=field)


def test_error_goes_to_the_named_field(form):
    attach_domain_error(form, _err("amount"))
    assert form.amount.errors == ["ผิด"]
    assert form.form_errors == []


def test_alias_and_suffix_find_prefixed_fields(form):
    attach_domain_error(form, _err("why"), {"why": "cancel_reason"})
    attach_domain_error(form, _err("reason"), match_suffix=True)
    assert form.cancel_reason.errors == ["ผิด", "ผิด"]


def test_unknown_or_hidden_fields_go_to_the_summary(form):
    attach_domain_error(form, _err("nope"))
    attach_domain_error(form, _err("token"))
    attach_domain_error(form, _err(None))
    assert form.form_errors == ["ผิด", "ผิด", "ผิด"]
    assert form.token.errors == []


def test_english_message_when_the_page_is_english(form):
    g.locale = "en"
    attach_domain_error(form, _err("amount"))
    assert form.amount.errors == ["wrong"]
