"""The application factory."""

from __future__ import annotations

import hmac
from pathlib import Path

from flask import Flask, Response, jsonify, make_response, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from tracker import commands
from tracker.clock import office_time
from tracker.config import Config
from tracker.extensions import csrf, db, login_manager, migrate
from tracker.models import MAX_ID

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None, instance_path: str | Path | None = None) -> Flask:
    """Build the app; `config` (tests) is applied over the defaults and environment, and
    `instance_path` (tests) replaces the checkout's instance folder."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_relative_config=True,
                instance_path=str(instance_path) if instance_path else None)
    app.config.update(Config(app.instance_path).as_dict())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_proxy(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_filters(app)
    register_security_headers(app)
    app.json.ensure_ascii = False  # the API's Chinese as written, not \uXXXX
    return app


def register_proxy(app: Flask) -> None:
    """Behind TRACKER_PROXY_COUNT reverse proxies, the client's address, scheme and host come
    from their X-Forwarded-* headers (login throttling and the audit log need the address)."""
    count = app.config["PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number no id can reach (0, or beyond the database's
    INTEGER) matches no route, a 404 rather than an overflow in the query."""

    def __init__(self, map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def register_converters(app: Flask) -> None:
    # Before any blueprint: a rule takes its converter when it is added.
    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"

    from tracker.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The user of a session or remember-me cookie: its id and session token must both
        match (`User.get_id`), and the account be active."""
        number, _, token = user_id.partition(".")
        if not number.isdigit() or int(number) > MAX_ID or not token:
            return None  # a cookie from before session tokens, or forged
        user = db.session.get(User, int(number))
        if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
            return None
        return user


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite leaves foreign keys unenforced unless asked on every connection. In its WAL
    journal, pages are read while a long import writes (the default journal locks readers
    out once the writer's cache spills), and a writer waits its turn for up to 30 s."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from tracker.admin.routes import bp as admin_bp
    from tracker.api.routes import bp as api_bp
    from tracker.auth.routes import bp as auth_bp
    from tracker.calendar.routes import bp as calendar_bp
    from tracker.imports.routes import bp as imports_bp
    from tracker.main.routes import bp as main_bp
    from tracker.reports.routes import bp as reports_bp
    from tracker.tasks.routes import bp as tasks_bp
    from tracker.tokens.routes import bp as tokens_bp
    from tracker.units.routes import bp as units_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API checks CSRF itself: for session requests, not for bearer tokens


def register_commands(app: Flask) -> None:
    for command in commands.ALL:
        app.cli.add_command(command)


def register_filters(app: Flask) -> None:
    app.template_filter("localtime")(office_time)


ERROR_MESSAGES = {400: "请求无效", 401: "需要登录或有效的 API 令牌", 403: "无权访问", 404: "未找到",
                  405: "不支持该请求方法", 409: "内容已被他人修改，请刷新后重试", 413: "请求内容过大",
                  415: "不支持的内容类型", 429: "请求过于频繁，请稍后再试", 500: "服务器内部错误"}


def register_errorhandlers(app: Flask) -> None:
    def render_error(error):
        code = getattr(error, "code", 500)
        if code == 500:
            # A failed statement leaves the session unusable; the page itself needs it (current_user).
            _rollback_quietly()
        if request.path.startswith("/api/"):  # other systems get JSON, never an HTML page
            response = jsonify(error=_message(error, code))
        else:
            try:
                response = make_response(render_template(f"errors/{code}.html") if code in PAGES else render_template(
                    "errors/generic.html", message=ERROR_MESSAGES[code]))
            except Exception:  # the page needs the database (the logged-in user), and it is gone
                app.logger.exception("the error page could not be rendered")
                response = make_response(_unavailable_page(app))
        # Allow (405), WWW-Authenticate (401), Retry-After (429) go with the page.
        for name, value in error.get_headers() if isinstance(error, HTTPException) else ():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, code

    for code in ERROR_MESSAGES:
        app.errorhandler(code)(render_error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        """The database server is down or unreachable (or SQLite stayed locked): 503, on a page
        that does not need the database, and nothing half written (the transaction is gone)."""
        app.logger.exception("database unavailable")
        _rollback_quietly()
        headers = {"Retry-After": "30"}
        if request.path.startswith("/api/"):
            return jsonify(error="数据库暂时无法访问，请稍后再试"), 503, headers
        return _unavailable_page(app), 503, headers


def _unavailable_page(app: Flask) -> str:
    """The page for when the database is gone, rendered without the context processors: the
    one that gives templates `current_user` would ask the database for the user."""
    return app.jinja_env.get_template("errors/unavailable.html").render()


PAGES = (400, 403, 404, 413, 500)  # errors with a page of their own; the others share errors/generic.html


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is dead; the pool replaces it on the next checkout
        db.session.remove()


def _message(error: Exception, code: int) -> str:
    """The description given to `abort(code, description)`, else the status's own message."""
    if isinstance(error, HTTPException) and error.description != type(error).description:
        return error.description
    return ERROR_MESSAGES[code]


# Pages, styles and scripts come from the app itself: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
