"""Classic XSS payloads (OWASP cheat sheet and friends), Markdown variants included.

Shared by every test of user-written HTML: the Markdown profiles of
`core.markdown` and the pages that show their output. `problems_in(html)` lists
what a payload left behind (a dangerous tag, an event handler, a style, a URL
with a scheme other than http, https or mailto).
"""

from html.parser import HTMLParser

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=`javascript:alert(1)`>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "![img](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='vbscript:msgbox(1)'>x</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<input autofocus onfocus="alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=import href=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<<img src=x onerror=alert(1)//<",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<table><tr><td background=javascript:alert(1)>x</td></tr></table>",
    "[x](  javascript:alert(1)  )",
    '<https://ok.example/?q="><script>alert(1)</script>>',
]

DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "form", "input", "style",
    "meta", "link", "base", "body", "details", "video", "audio", "source", "marquee",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "srcdoc"}


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}")
            if name in ("style", "srcdoc"):
                self.problems.append(f"attribute {name}")
            if name in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                scheme = (
                    compact.split(":", 1)[0] if ":" in compact.split("/", 1)[0] else ""
                )
                if scheme and scheme not in ("http", "https", "mailto"):
                    self.problems.append(f"url {name}={value!r}")

    handle_startendtag = handle_starttag


def problems_in(html: str) -> list[str]:
    """What is dangerous in `html`, as readable strings (empty when it is safe)."""
    checker = _Checker()
    checker.feed(html)
    return checker.problems
