"""Reading pages as a browser does: the values a form would send as it was pre-filled."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The fields of the form whose action is `action`, in a browser's submission order:
    inputs with their value (checked boxes only), selected options, text areas."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._select: str | None = None
        self._first_option: tuple[str, str] | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "image", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = (self._select, value)
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._selected and self._first_option:
                self.fields.append(self._first_option)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser reads CRLF as LF, drops one line break right after <textarea>, and
            # sends the text's line breaks as CRLF.
            text = "".join(self._text).replace("\r\n", "\n").replace("\r", "\n")
            self.fields.append((self._textarea, text.removeprefix("\n").replace("\n", "\r\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_data(html: str, action: str) -> dict[str, str]:
    """What the page's form posting to `action` sends when submitted as shown."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.fields, f"no form posting to {action} in the page"
    return dict(reader.fields)
