"""The application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError

from web import config as config_module
from web.access import enforce_access, public
from web.auth.session import load_user
from web.database import close_db
from web.db import Sessions, make_engine
from web.extensions import babel, csrf
from web.filters import register_filters
from web.i18n import compile_catalogs, select_locale, set_request_locale, translation_dirs
from web.ops.errors import register_database_fault_handlers
from web.security import add_security_headers, install_log_redaction


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(config_module.load_config())
    if overrides:
        app.config.update(overrides)
    # Debug must never be on in production, whatever the environment says.
    app.debug = False
    install_log_redaction()

    compile_catalogs()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in translation_dirs())
    babel.init_app(app, locale_selector=select_locale)

    if "SESSION_FACTORY" in app.config:
        app.extensions["chaeson_sessions"] = app.config["SESSION_FACTORY"]
    else:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["chaeson_sessions"] = Sessions(engine)

    public(app.view_functions["static"])  # CSS and JS carry no data
    app.before_request(set_request_locale)
    app.before_request(load_user)
    app.before_request(enforce_access)
    # After the access check, so a forbidden POST is refused as forbidden before anything else.
    csrf.init_app(app)
    app.teardown_appcontext(close_db)
    app.after_request(add_security_headers)
    register_filters(app)
    _register_error_handlers(app)
    register_database_fault_handlers(app)
    _register_blueprints(app)

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from web.admin.forms import ROLE_LABELS
        from web.navigation import nav_links

        return {
            "current_user": g.get("user"),
            "locale": g.get("locale", "th"),
            "nav_links": nav_links,
            "role_label": lambda role: ROLE_LABELS.get(role, str(role)),
        }

    return app


def _register_blueprints(app: Flask) -> None:
    """Every ``web/<area>/views.py`` that defines ``bp`` is registered (areas add themselves)."""
    import importlib
    import pkgutil

    import web

    for info in sorted(pkgutil.iter_modules(web.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"web.{info.name}.views")
        except ModuleNotFoundError as err:
            if err.name == f"web.{info.name}.views":
                continue
            raise
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)


def _register_error_handlers(app: Flask) -> None:
    def render_error(status: int, title: str, message: str):
        return render_template(
            "errors/error.html", status=status, title=title, message=message
        ), status

    from flask_babel import gettext as _

    @app.errorhandler(CSRFError)
    def csrf_error(_err):
        return render_error(
            400, _("แบบฟอร์มหมดอายุ"), _("แบบฟอร์มนี้หมดอายุหรือไม่ถูกต้อง กรุณากลับไปโหลดหน้าใหม่แล้วส่งอีกครั้ง")
        )

    @app.errorhandler(400)
    def bad_request(_err):
        return render_error(400, _("คำขอไม่ถูกต้อง"), _("ข้อมูลที่ส่งมาไม่ถูกต้อง"))

    @app.errorhandler(401)
    def unauthorised(_err):
        return render_error(401, _("กรุณาเข้าสู่ระบบ"), _("ต้องเข้าสู่ระบบก่อนจึงจะทำรายการนี้ได้"))

    @app.errorhandler(403)
    def forbidden(_err):
        return render_error(403, _("ไม่มีสิทธิ์"), _("บทบาทของคุณไม่มีสิทธิ์ใช้หน้านี้"))

    @app.errorhandler(404)
    def not_found(_err):
        return render_error(404, _("ไม่พบหน้านี้"), _("ไม่พบหน้าหรือรายการที่ต้องการ"))

    @app.errorhandler(405)
    def not_allowed(_err):
        return render_error(405, _("ไม่รองรับ"), _("หน้านี้ไม่รองรับการทำรายการแบบนี้"))

    @app.errorhandler(413)
    def too_large(_err):
        return render_error(413, _("ไฟล์ใหญ่เกินไป"), _("ไฟล์ต้องมีขนาดไม่เกิน 5 เมกะไบต์"))

    @app.errorhandler(500)
    def server_error(_err):
        return render_error(
            500, _("เกิดข้อผิดพลาด"), _("ระบบทำรายการไม่สำเร็จ และไม่ได้บันทึกอะไรไว้ครึ่งๆ กลางๆ กรุณาลองใหม่")
        )

    @app.route("/healthz")
    def healthz():
        return {"status": "ok", "path": request.path}

    public(healthz)
