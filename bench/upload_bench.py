"""Issue #12's acceptance over HTTP: `python bench/upload_bench.py [--database-url URL] [--timeout S]`.

On a fresh database (SQLite in a temporary folder unless an empty database's URL is given)
with a supervisor account, starts the real server (`flask run`, threaded Werkzeug) and goes
through `/imports/new` as a logged-in supervisor would, with the files of tests/hostile.py:

- a .docx inflating to 1 GB and a 3,000-page PDF: each answered within 20 s (the progress
  page followed to its end if one is shown) with the server under 600 MB resident;
- a 1,000-page text PDF imported: the upload answered at once (a redirect to the progress
  page), that page polled as its meta refresh does until it shows the preview, the preview's
  confirmation form submitted as a browser would, then the page saying 已导入. Printed: the
  seconds of each phase and the tasks stored. Targets: the upload answered within 5 s, no
  request held open past 20 s, the import done, the server under 600 MB.

Memory is the peak resident size of the server process (VmHWM, reset before each case, and
VmRSS sampled) and of its extraction workers (descendants running `tracker.sources`,
sampled every 20 ms; n is how many were seen), from /proc. A request unanswered after
`--timeout` seconds is given up. Exits 1 if a target is missed. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import mimetypes
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, make_url, select  # noqa: E402

from tests.hostile import inflating_docx, text_pdf  # noqa: E402
from tracker.models import Task  # noqa: E402

ANSWER_SECONDS = 20  # a hostile upload is answered, and no request is held open, within this
UPLOAD_SECONDS = 5  # a long upload is answered at once: after the app's 3 s wait at most
MAX_MB = 600
SAMPLE_SECONDS = 0.02
READ_DEADLINE = 600  # give up polling a progress page after this long
USER, PASSWORD = "sup", "bench-" + secrets.token_hex(8)


# --- memory --------------------------------------------------------------------------------

def _status_kb(pid: int) -> int:
    """max(VmHWM, VmRSS) of a process in kB; 0 once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return max((int(line.split()[1]) for line in lines if line.startswith(("VmHWM:", "VmRSS:"))), default=0)


def _descendants(root: int) -> Iterator[int]:
    """Every process below `root`, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])  # after "(comm) state"
            children.setdefault(ppid, []).append(int(entry.name))
    pending = list(children.get(root, []))
    while pending:
        pid = pending.pop()
        yield pid
        pending.extend(children.get(pid, []))


def _is_worker(pid: int) -> bool:
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        return b"tracker.sources" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False


class Peaks(threading.Thread):
    """Peak resident memory of the server process and of its extraction workers since `reset`."""

    def __init__(self, server: int) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.server_kb = self.worker_kb = 0
        self.workers: set[int] = set()

    def reset(self) -> None:
        with contextlib.suppress(OSError):  # "5" resets VmHWM; without it the peak is the run's so far
            Path(f"/proc/{self.server}/clear_refs").write_text("5")
        with self.lock:
            self.server_kb = self.worker_kb = 0
            self.workers = set()

    def run(self) -> None:
        while not self.stopped.wait(SAMPLE_SECONDS):
            self.sample()

    def sample(self) -> None:
        server_kb = _status_kb(self.server)
        workers = {pid: _status_kb(pid) for pid in _descendants(self.server) if _is_worker(pid)}
        with self.lock:
            self.server_kb = max(self.server_kb, server_kb)
            self.worker_kb = max(self.worker_kb, *workers.values(), 0)
            self.workers.update(workers)

    def peaks(self) -> tuple[float, float, int]:
        """MB of the server, MB of the largest worker, and how many workers were seen."""
        self.sample()
        with self.lock:
            return self.server_kb / 1024, self.worker_kb / 1024, len(self.workers)


# --- a browser: cookies, forms, uploads ------------------------------------------------------

@dataclass
class Page:
    url: str
    status: int
    location: str
    text: str
    seconds: float

    def flashes(self) -> list[str]:
        return re.findall(r'<div class="flash[^"]*" role="alert">(.*?)</div>', self.text, re.DOTALL)

    def answer(self) -> str:
        if self.status == 0:
            return f"no answer within {self.seconds:.0f} s"
        return " / ".join(self.flashes()) or f"HTTP {self.status}"

    def refresh(self) -> float | None:
        """The seconds of the page's meta refresh, if it has one."""
        found = re.search(r'<meta http-equiv="refresh" content="(\d+)', self.text)
        return float(found.group(1)) if found else None


@dataclass
class Form:
    action: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # names of its file inputs
    submitted: bool = False  # its first submit button is the one clicked

    def filled(self, **values: str) -> list[tuple[str, str]]:
        return [(name, values.get(name, value)) for name, value in self.fields]


class _Forms(HTMLParser):
    """The forms of a page, each with the fields a browser submits: named inputs (checkboxes
    and radios only when checked), textareas, and the first submit button."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._open = False
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("enctype", "application/x-www-form-urlencoded")))
            self._open = True
        elif not self._open or "disabled" in a:
            return
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])
        elif tag in ("input", "button"):
            self._control(tag, a)

    def _control(self, tag: str, a: dict[str, str]) -> None:
        form, name = self.forms[-1], a.get("name", "")
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        if kind == "submit":
            if not form.submitted and name:
                form.fields.append((name, a.get("value", "")))
            form.submitted = True
        elif kind == "file":
            form.files.append(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in a and name:
                form.fields.append((name, a.get("value") or "on"))
        elif kind not in ("button", "reset", "image") and name:
            form.fields.append((name, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False
        elif tag == "textarea" and self._textarea:
            name, parts = self._textarea
            # The newline right after <textarea> is not content; lines are sent as CRLF.
            value = re.sub(r"^\r?\n", "", "".join(parts))
            self.forms[-1].fields.append((name, re.sub(r"\r?\n", "\r\n", value)))
            self._textarea = None


def forms(page: Page) -> list[Form]:
    parser = _Forms()
    parser.feed(page.text)
    for form in parser.forms:  # no action: the page's own address
        form.action = urllib.parse.urljoin(page.url, form.action)
    return parser.forms


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = "----upload-bench-" + secrets.token_hex(12)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields]
    for name, filename, data in files:
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {kind}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _AsItIs(urllib.request.HTTPErrorProcessor):
    """Redirects and errors are returned as they are, to be timed and followed by hand."""

    def http_response(self, request, response):
        return response


class Browser:
    def __init__(self, base: str, timeout: float) -> None:
        self.base, self.timeout = base, timeout
        # No proxy, whatever the environment says: only 127.0.0.1 is contacted.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _AsItIs(),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, body: bytes | None = None, content_type: str = "") -> Page:
        request = urllib.request.Request(urllib.parse.urljoin(self.base, path), data=body)
        if content_type:
            request.add_header("Content-Type", content_type)
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8", "replace")
        except TimeoutError:  # given up on: status 0
            return Page(request.full_url, 0, "", "", time.perf_counter() - start)
        return Page(request.full_url, response.status, response.headers.get("Location", ""), text,
                    time.perf_counter() - start)

    def submit(self, form: Form, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]] = ()) -> Page:
        if form.enctype == "multipart/form-data":
            body, kind = multipart(fields, list(files))
        else:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(form.action, body, kind)

    def login(self, username: str, password: str) -> None:
        page = self.request("/auth/login")
        answer = self.submit(forms(page)[0], forms(page)[0].filled(username=username, password=password))
        if answer.status != 302:
            sys.exit(f"login failed: {answer.answer()}")

    def upload(self, filename: str, data: bytes) -> Page:
        """The upload form of /imports/new submitted with `data` as its file."""
        page = self.request("/imports/new")
        form = next(f for f in forms(page) if f.files)
        return self.submit(form, form.fields, [(form.files[0], filename, data)])

    def follow(self, page: Page) -> tuple[Page, float, int]:
        """The page a redirect leads to, reloaded as its meta refresh says while it has one;
        with the longest single request on the way and the number of requests."""
        longest, address, requests = page.seconds, "", 0
        deadline = time.monotonic() + READ_DEADLINE
        while True:
            if page.status in (301, 302, 303):
                address = urllib.parse.urljoin(page.url, page.location)
            elif address and page.refresh() is not None and time.monotonic() < deadline:
                time.sleep(page.refresh())
            else:
                return page, longest, requests
            page = self.request(address)
            longest, requests = max(longest, page.seconds), requests + 1


# --- the server ------------------------------------------------------------------------------

def flask(instance: Path, *args: str) -> list[str]:
    """`flask --app tracker.app:create_app(...)` with the bench's instance folder (its jobs and keys)."""
    return [sys.executable, "-m", "flask", "--app", f"tracker.app:create_app(instance_path={str(instance)!r})", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(server: subprocess.Popen, base: str, log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"the server stopped:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            Browser(base, 1).request("/auth/login")
            return
        time.sleep(0.1)
    sys.exit(f"the server did not answer:\n{log.read_text()}")


def tasks_stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Task))
    finally:
        engine.dispose()


# --- the cases -------------------------------------------------------------------------------

@dataclass
class Result:
    case: str
    seconds: float
    server_mb: float
    worker_mb: float
    workers: int
    ok: bool
    answer: str
    details: str = ""

    def line(self) -> str:
        text = (f"{self.case:34} {self.seconds:8.2f} {self.server_mb:7.0f}M {self.worker_mb:7.0f}M "
                f"{self.workers:3}  {'PASS' if self.ok else 'FAIL'}  {self.answer}")
        return text + (f"\n{'':4}{self.details}" if self.details else "")


def hostile(browser: Browser, peaks: Peaks, name: str, data: bytes) -> Result:
    peaks.reset()
    start = time.perf_counter()
    page, *_ = browser.follow(browser.upload(name, data))
    seconds = time.perf_counter() - start
    server_mb, worker_mb, workers = peaks.peaks()
    answered = page.status == 200 and page.refresh() is None
    ok = answered and seconds <= ANSWER_SECONDS and max(server_mb, worker_mb) < MAX_MB
    return Result(f"{name} ({len(data) >> 10} KB)", seconds, server_mb, worker_mb, workers, ok, page.answer())


def legitimate(browser: Browser, peaks: Peaks, url: str, name: str, data: bytes) -> Result:
    before = tasks_stored(url)
    peaks.reset()
    start = time.perf_counter()
    upload = browser.upload(name, data)
    uploaded = time.perf_counter()
    redirected = upload.status == 302 and "/imports/jobs/" in upload.location
    phases = [f"upload {upload.seconds:.2f} s ({'redirect to the progress page' if redirected else upload.answer()})"]
    preview, longest, polls = browser.follow(upload)
    phases.append(f"until the preview {time.perf_counter() - uploaded:.2f} s "
                  f"({polls} requests, the preview's {preview.seconds:.2f} s)")
    last = preview
    confirm = next((f for f in forms(preview) if f.action.endswith("/imports/confirm")), None)
    if confirm:
        posted = browser.submit(confirm, confirm.fields)
        confirmed = time.perf_counter()
        last, slowest, requests = browser.follow(posted)
        longest = max(longest, slowest)
        phases.append(f"confirm {posted.seconds:.2f} s ({len(confirm.fields)} fields, {posted.answer()}); "
                      f"until imported {time.perf_counter() - confirmed:.2f} s "
                      f"({requests} requests, the result page's {last.seconds:.2f} s)")
    seconds = time.perf_counter() - start
    server_mb, worker_mb, workers = peaks.peaks()
    imported = any("已导入" in f for f in last.flashes())
    ok = (imported and upload.seconds <= UPLOAD_SECONDS and longest <= ANSWER_SECONDS
          and max(server_mb, worker_mb) < MAX_MB)
    # A request given up on leaves the server writing: the count would wait on its lock.
    stored = f"{tasks_stored(url) - before} tasks stored" if last.status else "tasks not counted"
    answer = last.answer() + ("" if confirm else " (the page has no confirmation form)")
    return Result(f"{name} ({len(data) >> 10} KB)", seconds, server_mb, worker_mb, workers, ok,
                  f"{answer}; {stored}", "; ".join(phases) + f"; longest request {longest:.2f} s")


CASES: list[tuple[str, Callable[[], bytes], bool]] = [
    ("bomb-1GB.docx", lambda: inflating_docx(1024), True),
    ("gazette-3000-pages.pdf", lambda: text_pdf(3000), True),
    ("text-1000-pages.pdf", lambda: text_pdf(1000), False),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", help="an empty database (default: SQLite in a temporary folder)")
    ap.add_argument("--port", type=int, help="the server's port on 127.0.0.1 (default: a free one)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds to wait for one answer (default: 120)")
    args = ap.parse_args()
    files = {name: build() for name, build, _ in CASES}
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'bench.sqlite'}"
        env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": secrets.token_hex(32)}
        env.pop("FLASK_DEBUG", None)
        instance = folder / "instance"
        for command, given in ((("init",), ""), (("users", "add", USER, "--role", "supervisor"), PASSWORD + "\n")):
            done = subprocess.run(flask(instance, *command), env=env, cwd=ROOT, input=given, text=True,
                                  capture_output=True, check=False)
            if done.returncode:
                sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        port = args.port or free_port()
        log = folder / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(flask(instance, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload",
                                            "--no-debugger", "--with-threads"),
                                      env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(server, base, log)
            peaks = Peaks(server.pid)
            peaks.start()
            browser = Browser(base, args.timeout)
            browser.login(USER, PASSWORD)
            print(f"server pid {server.pid} on {base}, database {make_url(url).render_as_string(hide_password=True)}")
            print(f"{'case':34} {'seconds':>8} {'server':>8} {'worker':>8} {'n':>3}  ok    answer")
            results = []
            for name, _, is_hostile in CASES:
                result = (hostile(browser, peaks, name, files[name]) if is_hostile
                          else legitimate(browser, peaks, url, name, files[name]))
                print(result.line(), flush=True)
                results.append(result)
            peaks.stopped.set()
        finally:
            server.terminate()
            server.wait(10)
        if not all(r.ok for r in results):
            errors = [line for line in log.read_text().splitlines()
                      if "Traceback" in line or "Error" in line or '" 500 ' in line]
            print("FAIL: a target is missed" + ("; server log:\n" + "\n".join(errors[-20:]) if errors else ""))
            sys.exit(1)


if __name__ == "__main__":
    main()
