"""The table of secret formats that ``tools.redact`` masks.

The named-token rules follow the formats catalogued by maintained secret scanners (gitleaks' default
ruleset, GitHub secret scanning's provider patterns): each rule keys on a vendor's fixed prefix or shape, so
it costs nothing on text that lacks the prefix. There is no entropy rule: high-entropy detectors flag task
ARNs, image digests and commit ids, which the model needs to read.

Each rule is ``(name, needles, pattern, replacement)``: the rule runs only when one of its needles occurs in the
text (as written for a case-sensitive pattern, lower-cased for a case-insensitive one, whose needles are lower
case). A replacement may keep the label in front of the secret through a group reference.
"""

from __future__ import annotations

import re

MASK = "[REDACTED]"

Rule = tuple[str, tuple[str, ...], re.Pattern[str], str]

BLOCK_RULES: tuple[Rule, ...] = (
    # Whole key files first: PEM (RSA, EC, OpenSSH, PKCS#8, encrypted) and PGP private key blocks.
    ("private-key", ("PRIVATE KEY",), re.compile(
        r"-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----.*?"
        r"-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----",
        re.DOTALL), MASK),
    # A key cut off before its END line (a clipped log line, a capped tool result).
    ("private-key-cut", ("PRIVATE KEY",), re.compile(
        r"-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=:\s-]|\\[nr])*"), MASK),
    # PuTTY key files: the private lines and their MAC (the public lines are not secret).
    ("putty-private-lines", ("Private-Lines",), re.compile(
        r"(Private-Lines:\s*\d+)(?:\s|\\[nr])+(?:(?!Private-MAC)[A-Za-z0-9+/=\s]|\\[nr])+"), r"\1 " + MASK + "\n"),
    ("putty-mac", ("Private-MAC",), re.compile(r"(Private-MAC:\s*)[0-9a-fA-F]+"), r"\1" + MASK),
)

# Token patterns start with their literal prefix (so the regex engine can skip to it); the engine checks that a
# match starts a word (the character before it is not a letter, digit, ``_`` or ``/``).
TOKEN_RULES: tuple[Rule, ...] = (
    ("aws-access-key-id", ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
     re.compile(r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b"), MASK),
    ("aws-session-token", ("IQoJb3JpZ2lu", "FwoGZXIvYXdz", "FQoGZXIvYXdz"),
     re.compile(r"(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/=]{16,}"), MASK),
    ("slack-token", ("xox", "xapp-"),
     re.compile(r"(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]{8,}"), MASK),
    ("slack-webhook", ("hooks.slack.com",),
     re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+"), MASK),
    ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}\b"), MASK),
    ("github-fine-grained-pat", ("github_pat_",), re.compile(r"github_pat_[A-Za-z0-9_]{20,}"), MASK),
    ("gitlab-token", ("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glft-", "glimt-", "gloas-",
                      "glagent-", "glffct-"),
     re.compile(r"gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|oas|agent|ffct)-[A-Za-z0-9_.-]{20,}"), MASK),
    ("gitlab-runner-registration", ("GR1348941",), re.compile(r"GR1348941[A-Za-z0-9_-]{20,}"), MASK),
    ("google-oauth-access-token", ("ya29.",), re.compile(r"ya29\.[A-Za-z0-9._-]{20,}"), MASK),
    ("google-api-key", ("AIza",), re.compile(r"AIza[0-9A-Za-z_-]{35}"), MASK),
    ("google-oauth-client-secret", ("GOCSPX-",), re.compile(r"GOCSPX-[A-Za-z0-9_-]{20,}"), MASK),
    ("google-oauth-refresh-token", ("1//",), re.compile(r"1//0[A-Za-z0-9_-]{30,}"), MASK),
    ("stripe-secret-key", ("sk_",), re.compile(r"sk_(?:live|test|prod)_[A-Za-z0-9]{10,}"), MASK),
    ("stripe-restricted-key", ("rk_",), re.compile(r"rk_(?:live|test|prod)_[A-Za-z0-9]{10,}"), MASK),
    ("stripe-webhook-secret", ("whsec_",), re.compile(r"whsec_[A-Za-z0-9]{20,}"), MASK),
    ("anthropic-key", ("sk-ant-",), re.compile(r"sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{20,}"), MASK),
    ("openai-key", ("sk-",),
     re.compile(r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"
                r"|[A-Za-z0-9]{48}\b)"), MASK),
    ("npm-token", ("npm_",), re.compile(r"npm_[A-Za-z0-9]{36}\b"), MASK),
    ("pypi-token", ("pypi-AgE",), re.compile(r"pypi-AgE[A-Za-z0-9_-]{40,}"), MASK),
    ("sendgrid-key", ("SG.",), re.compile(r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,50}"), MASK),
    ("vault-token", ("hvs.", "hvb.", "hvr."), re.compile(r"hv[sbr]\.[A-Za-z0-9_-]{24,}"), MASK),
    ("twilio-api-key", ("SK",), re.compile(r"SK[0-9a-f]{32}\b"), MASK),
    ("azure-sas-signature", ("sig=",), re.compile(r"(sig=)[A-Za-z0-9%+/=]{16,}"), r"\1" + MASK),
    ("jwt", ("eyJ",), re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), MASK),
)

# Rules that may start inside a word, or in the middle of a URL.
INFIX_RULES: tuple[Rule, ...] = (
    ("connection-string-password", ("://",),
     re.compile(r"://([^\s:/@'\"]*):(?!\d+(?:[/?#'\"\s]|$))[^\s@'\"]+@"), r"://\1:" + MASK + "@"),
    ("azure-ad-client-secret", ("Q~",), re.compile(r"\dQ~[A-Za-z0-9_~.-]{31,34}"), MASK),
)

# Labelled secrets, whatever the case of the label. The patterns are case-insensitive and written with lower-case
# literals: the engine finds them in the lower-cased text (fast) and masks the same span of the original.
LABELLED_RULES: tuple[Rule, ...] = (
    ("bearer", ("bearer",), re.compile(r"(bearer)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1 " + MASK),
    ("authorization", ("authorization",), re.compile(
        r"(authorization\W{1,4}(?:basic|token|digest|apikey|api-key|key|sso-key|negotiate|ntlm))\s+"
        r"[^\s\"',;]{6,}", re.IGNORECASE), r"\1 " + MASK),
    ("curl-user", ("-u", "--user"), re.compile(
        r"(-(?:u|-user)(?:\s+|=)['\"]?[^\s:'\"]+:)[^\s'\"]+", re.IGNORECASE), r"\1" + MASK),
    ("aws-secret-key-labelled", ("secret_access_key", "secretaccesskey"), re.compile(
        r"(secret_?access_?key)(\W{1,6})[A-Za-z0-9/+=]{40}", re.IGNORECASE), r"\1\2" + MASK),
)

# An AWS secret access key on its own: exactly 40 characters of base64 with upper case, lower case and a
# digit, bounded by characters that cannot belong to it. Hex digests and ARNs never have that shape.
AWS_SECRET_SHAPE = re.compile(r"[A-Za-z0-9/+=]{40,}")  # runs of 40 or more; the exact shape is checked per run

# ``key = value`` pairs whose key names a secret, in env files, JSON (also escaped inside JSON), YAML,
# Python and Ruby literals, query strings and headers.
KEYED = re.compile(
    r"(?i)(password|passwd|passphrase|pwd|(?<=[_.-])pass(?![a-z])|secret|api[_-]?key|app[_-]?key"
    r"|application[_-]?key|token|private[_-]?key(?:[_-]?id)?|account[_-]?key|access[_-]?key|credentials?)"
    r"((?:\\*[\"'])?\s*(?:=>|:=|[:=])\s*)"
    r"(?:(\\*[\"'])([^\"'\\\r\n]*)|((?:[^\s\"',;&<>\\{\[]|&(?![A-Za-z_]\w*=))+))"
)
KEYED_NEEDLES = ("pass", "pwd", "secret", "key", "token", "credential")  # looked for in the lower-cased text
KEYWORD_REACH = 12  # the longest keyword ("application_key") starts this many characters before its needle

# XML elements whose tag names a secret: <Password>…</Password>, <SessionToken>…</SessionToken>.
XML_ELEMENT = re.compile(
    r"(?i)(<|&lt;)([\w:.-]*(?:password|passwd|passphrase|secret[\w]*|token|api[_-]?key|private[_-]?key|account[_-]?key"
    r"|access[_-]?key|credentials?))(>|&gt;)([^<&]+)(?=<|&lt;)"
)  # also as Slack mrkdwn escapes it: &lt;Password&gt;…&lt;/Password&gt;
COOKIE_HEADER = re.compile(r"(cookie\s*:\s*)([^\r\n\"\\]+)", re.IGNORECASE)
COOKIE_VALUE = re.compile(r"([\w.-]+=)[^;,\s]+")

PAGINATION_KEYS = frozenset(
    {"nexttoken", "next_token", "pagetoken", "page_token", "nextpagetoken", "next_page_token",
     "continuationtoken", "paginationtoken", "nextforwardtoken", "nextbackwardtoken", "nextsequencetoken",
     "starttoken", "start_token", "markertoken"}
)
