"""Secret redaction: runs at capture, before anything reaches the spool or the database.

Standard library only (the shell hook's record path imports this module).

Every pattern has a name (shown as ``[REDACTED:<name>]``), a regular expression and an
example it must redact (the tests check every example). When a pattern has a group named
``secret`` only that group is replaced, so ``--password hunter2`` keeps its flag and
``postgres://app:pw@db`` keeps user and host; otherwise the whole match is replaced.
Provider-specific patterns come first, the contextual ones (flags, assignments, headers)
last, and a value already redacted is never redacted twice.
The rows for passwords given to a program on its command line or echoed into it
(mysql -p, ldapsearch -w, echo PW | passwd --stdin) are written in secret_commands.py and
take their place in this one table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .secret_commands import COMMAND_ROWS
from .secret_commands import VALUE as _VALUE  # a value after a flag or an assignment
from .secret_notes import NOTE_ROWS
from .secret_shapes import MARK, aws_secret_shape, card_number, placeholder, random_looking, random_not_hex
from .secret_shapes import chosen_or_long as _chosen_or_long
from .secret_shapes import labelled_value as _labelled_value
from .secret_shapes import looks_chosen as _looks_chosen
from .secret_shapes import not_code as _not_code

# The same after "=": an unquoted value right before ")" is a variable passed in a call
# ("User(password=hashed_password)"); possessive, so it cannot give back a letter to get past it.
_ASSIGNED = r"""(?P<secret>'[^'\n]*'|"[^"\n]*"|[^\s'";&|<>)]++(?!\)))"""
# Words that make a variable, flag or key name a secret's name (at the end of the name,
# starting it or after _ or -: DB_PASSWORD, apiKey, X_AUTH_TOKEN, DB_PASS; not monkey,
# author or bypass).
_SECRET_WORDS = (r"(?:password|passwd|passphrase|(?<=[_-])pwd|(?<=[_-])pass(?![a-z])|secret|token|api[_-]?key|apikey|"
                 r"access[_-]?key|private[_-]?key|secret[_-]?key|credentials?|auth)")


# words after a secret's name that say which form or copy of it is assigned: SECRET_KEY_BASE
# (Rails), DB_PASSWORD_PROD; not another thing's name (PASSWORD_RESET, TOKEN_URL, API_KEY_FILE)
_SUFFIX = (r"(?:[_-](?:base|value|b64|base64|hex|raw|str|string|plain|plaintext|prod|production|dev|staging|"
           r"test|local|old|new|current|\d+))?")


class SecretPattern:
    """One row of the table. The regex is compiled on first use and only tried on text
    containing one of its ``needles`` (lower-case substrings that every match contains), so
    an ordinary command costs a few substring tests instead of dozens of regex compiles."""

    __slots__ = ("name", "pattern", "flags", "needles", "example", "secret", "description", "accept", "keep",
                 "rewrite", "_regex")

    def __init__(self, name: str, pattern: str, needles: tuple[str, ...], example: str, secret: str,
                 description: str = "", flags: int = 0, accept: Callable[[str], bool] | None = None,
                 keep: tuple[str, ...] = (), rewrite: Callable[[str, str], str] | None = None) -> None:
        self.name = name
        self.pattern = pattern
        self.flags = flags
        self.needles = needles
        self.example = example
        self.secret = secret  # the part of ``example`` that must not survive redaction
        self.description = description
        self.accept = accept  # a last check on the secret a match found (entropy, shape)
        self.keep = keep  # texts near the example that hold no secret: left as written (a test checks them)
        # the whole match rewritten (a table's password column), for what one group cannot name
        self.rewrite = rewrite
        self._regex: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.pattern, self.flags)
        return self._regex

    def may_match(self, folded: str) -> bool:
        return any(needle in folded for needle in self.needles)

    def __repr__(self) -> str:
        return f"SecretPattern({self.name!r})"


def _p(name: str, needles: str, pattern: str, example: str, secret: str, description: str = "",
       flags: int = 0, accept: Callable[[str], bool] | None = None, keep: tuple[str, ...] = (),
       rewrite: Callable[[str, str], str] | None = None) -> SecretPattern:
    return SecretPattern(name, pattern, tuple(needles.split()), example, secret, description, flags, accept, keep,
                         rewrite)


def _not_a_scheme(value: str) -> bool:
    """'Bearer' alone, before a placeholder the pattern cannot read ('Bearer <token>'), is no secret;
    nor is a short run of lower-case words, the made-up token of a test ('Bearer valid_token'):
    issued tokens are long, or mix case and digits."""
    if value.lower() in ("bearer", "basic", "token", "bot", "digest"):
        return False
    return not (len(value) < 24 and re.fullmatch(r"[a-z]+(?:[_-][a-z]+)*", value))


# what follows "the password is" in prose that is not a password ("is too short", "is in the
# drawer", "is the same as ...")
_PROSE_LEAD = frozenset("a an the my our your his her their this that these same too not no "
                        "in on at under behind inside with for from written "
                        "saved stored kept expired changed reset different empty missing required "
                        "weak strong long short very really so still also".split())
# words that join prose ("is wrong for some reason", "is not working anymore"); a passphrase
# of chosen words ("correct horse battery staple") has none of them after its first word
_PROSE_GLUE = frozenset("for to of in on at with by because again anymore now and but so or the a an my "
                        "your it is was be been being not when if than".split())


def _passphrase(value: str) -> bool:
    """Three or more plain words that close a clause ("is purple monkey dishwasher."), or two
    or more with a number among them ("is summer 2024", "blue horse 77"), not prose that starts
    like a description ("is too short", "is in the drawer")."""
    words = value.lower().replace("-", " ").split()
    numbered = any(w.isdigit() for w in words)
    return len(words) >= (2 if numbered else 3) and words[0] not in _PROSE_LEAD and not set(words[1:]) & _PROSE_GLUE


# between a secret's name in prose and its value: "password for the router is now ", "pw: "
_PROSE_IS = (r"(?:\s+(?:for|of|to|on|at|in)\s+(?:the\s+|my\s+|our\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,2})?"
             r"\s*(?:is|was|=|:)\s+(?:now\s+|still\s+|set\s+to\s+)?")


def _env_value(value: str) -> bool:
    """After a secret's variable name and a space, a chosen-looking value: no flag, bracket or
    other variable (``unset DB_PASSWORD API_TOKEN``); with . or / (``grep API_KEY src/a.py``) random."""
    core = value.strip("'\"")
    if value[:1] in "-([{" or re.fullmatch(r"[A-Z][A-Z0-9_]*", core) or not _not_code(value):
        return False
    return random_looking(core) if ("/" in core or "." in core) else _looks_chosen(value)


def _pass_value(value: str) -> bool:
    """After a "pass:" label, a password: six characters or more with a digit or a symbol
    ("pass: hunter22"); words are not ("the pass: Glenshee"), nor a date, time or price
    (digits and punctuation only: "bus pass: 2024-25")."""
    core = value.strip("'\"")
    has_symbol = any(not c.isalnum() for c in core)
    if len(core) < 6 or not (has_symbol or any(c.isdigit() for c in core)):
        return False
    return any(c.isalpha() for c in core) or not has_symbol


# one word after "my password is" that describes it rather than is it ("the pw is fine", "is wrong")
_DESCRIBES = frozenset("fine ok okay wrong right correct incorrect good bad weak strong secure insecure safe "
                       "long short simple easy hard new old same different blank empty missing optional invalid "
                       "valid lost gone unknown set reset secret private mine yours his hers ours theirs it this "
                       "that there here what why who".split())


def _one_word_password(value: str) -> bool:
    """One word closing "my password is ...": a password unless it describes one ("is fine",
    "was changed", "is unfortunately")."""
    word = value.lower()
    return (len(word) >= 3 and word not in _DESCRIBES
            and not word.endswith(("ed", "ing", "ly", "able", "ible", "less", "ful")))


# Every match of the contextual patterns contains one of these words.
_WORD_NEEDLES = "pass pwd secret token key credential auth"

# Fake credentials, assembled so that no scanner mistakes this file for a leak.
_F40 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY" + "123"
_F36 = "FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"

PATTERNS: tuple[SecretPattern, ...] = (
    _p("pem-private-key", "private key",
       r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
       "echo '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfakefake\n-----END RSA PRIVATE KEY-----' > k",
       "MIIEowIBAAKCAQEAfakefake", "PEM private key blocks (also cut-off ones)", re.DOTALL),
    _p("aws-access-key-id", "akia asia abia acca agpa aida aroa aipa anpa anva apka",
       r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b",
       "aws configure set aws_access_key_id AKIAIOSFODNN7FAKE123", "AKIAIOSFODNN7FAKE123",
       "AWS access key ids"),
    _p("aws-secret-key", "aws",
       r"(?i)\baws_?secret(?:_?access)?_?key\b['\"]?\s*[=:\s]\s*['\"]?(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
       f"aws configure set aws_secret_access_key {_F40}", _F40, "AWS secret access keys"),
    _p("aws-secret-key", "/ +", r"(?<![A-Za-z0-9/+])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
       f"{_F40} is the backup job's", _F40, "bare AWS secret access keys (mixed case, digits, / or +)",
       accept=aws_secret_shape),
    _p("gcp-api-key", "aiza", r"\bAIza[0-9A-Za-z_\-]{30,40}(?![0-9A-Za-z_\-])",
       "curl 'https://maps.googleapis.com/api?key=AIzaSyFAKE-fake_FAKEfakeFAKEfake1234567'",
       "AIzaSyFAKE-fake_FAKEfakeFAKEfake1234567", "Google Cloud API keys"),
    _p("gcp-oauth-secret", "gocspx-", r"\bGOCSPX-[0-9A-Za-z_\-]{28}(?![0-9A-Za-z_\-])",
       "gcloud auth --client-id x --cs GOCSPX-FAKEfakeFAKEfakeFAKEfake1234",
       "GOCSPX-FAKEfakeFAKEfakeFAKEfake1234", "Google OAuth client secrets"),
    _p("gcp-oauth-token", "ya29.", r"\bya29\.[0-9A-Za-z_\-]{20,}",
       "curl -H 'X-Goog: ya29.a0FAKEfakeFAKEfakeFAKEfake' https://www.googleapis.com",
       "ya29.a0FAKEfakeFAKEfakeFAKEfake", "Google OAuth access tokens"),
    _p("azure-storage-key", "accountkey=", r"(?i)\bAccountKey=(?P<secret>[A-Za-z0-9+/]{40,}={0,2})",
       "az storage blob list --connection-string 'DefaultEndpointsProtocol=https;AccountName=x;"
       "AccountKey=FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake0123456789+/FAKEfakeFAKEfake000000=='",
       "FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake0123456789", "Azure storage account keys"),
    _p("azure-sas", "sig=", r"(?i)(?<![A-Za-z])sig=(?P<secret>[A-Za-z0-9%+/=]{16,})",
       "azcopy copy f 'https://x.blob.core.windows.net/c?sv=2022&sig=FAKEfake%2BFAKEfake%3D'",
       "FAKEfake%2BFAKEfake%3D", "Azure shared access signatures"),
    _p("azure-client-secret", "q~",
       r"(?<![A-Za-z0-9_~.\-])[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}(?![A-Za-z0-9_~.\-])",
       "az login --service-principal -u app -p abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfakeF --tenant t",
       "abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfakeF", "Azure AD client secrets"),
    _p("github-token", "ghp_ gho_ ghu_ ghs_ ghr_",
       r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,255}(?![A-Za-z0-9])",
       f"git clone https://ghp_{_F36}@github.com/me/repo", f"ghp_{_F36}", "GitHub tokens"),
    _p("github-token", "github_pat_", r"\bgithub_pat_[A-Za-z0-9_]{22,255}",
       "gh auth login --with-token github_pat_11FAKEFAKE0fakefakefake_FAKEfakeFAKEfake",
       "github_pat_11FAKEFAKE0fakefakefake_FAKEfakeFAKEfake", "GitHub fine-grained tokens"),
    _p("gitlab-token", "glpat- gldt- glrt- glptt- glcbt- gloas-",
       r"\bgl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_\-]{20,}",
       "curl --header 'PRIVATE: glpat-FAKEfakeFAKEfake1234' https://gitlab.com/api/v4/projects",
       "glpat-FAKEfakeFAKEfake1234", "GitLab tokens"),
    _p("slack-token", "xox", r"\bxox[baprs]-\d[A-Za-z0-9\-]{9,}",
       "curl -d token=xoxb-123456789012-FAKEfakeFAKE https://slack.com/api/chat.postMessage",
       "xoxb-123456789012-FAKEfakeFAKE", "Slack tokens"),
    _p("slack-webhook", "hooks.slack.com",
       r"https://hooks\.slack\.com/services/(?P<secret>[A-Za-z0-9/_\-]+)",
       "curl -X POST https://hooks.slack.com/services/T0FAKE/B0FAKE/FAKEfakeFAKEfake -d '{}'",
       "T0FAKE/B0FAKE/FAKEfakeFAKEfake", "Slack incoming webhooks"),
    _p("stripe-key", "_live_ _test_", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
       "stripe login --api-key=sk_live_FAKEfakeFAKEfake1234", "sk_live_FAKEfakeFAKEfake1234",
       "Stripe secret and restricted keys"),
    _p("anthropic-key", "sk-ant-", r"\bsk-ant-[A-Za-z0-9_\-]{20,}",
       "ANTHROPIC=sk-ant-api03-FAKEfakeFAKEfake-FAKE python agent.py", "sk-ant-api03-FAKEfakeFAKEfake-FAKE",
       "Anthropic API keys"),
    _p("openai-key", "sk-", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
       "llm keys set openai --value sk-proj-FAKEfakeFAKEfakeFAKEfake", "sk-proj-FAKEfakeFAKEfakeFAKEfake",
       "OpenAI API keys"),
    _p("huggingface-token", "hf_", r"\bhf_[A-Za-z0-9]{30,}",
       "huggingface-cli login --token-value hf_FAKEfakeFAKEfakeFAKEfakeFAKEfake12",
       "hf_FAKEfakeFAKEfakeFAKEfakeFAKEfake12", "Hugging Face tokens"),
    _p("vault-token", "hvs. hvb. hvr.", r"\bhv[sbr]\.[A-Za-z0-9_\-]{24,}",
       "VAULT_TOKEN=hvs.CAESIFAKEfakeFAKEfakeFAKEfakeFAKE vault kv get secret/app",
       "hvs.CAESIFAKEfakeFAKEfakeFAKEfakeFAKE", "HashiCorp Vault tokens"),
    _p("vault-token", "vault", r"\bvault\b[^|;&\n]{0,200}?(?<![A-Za-z0-9_.\-])(?P<secret>s\.[A-Za-z0-9]{24,})\b",
       "vault login s.AbFAKEfakeFAKEfakeFAKEfake", "s.AbFAKEfakeFAKEfakeFAKEfake",
       "HashiCorp Vault tokens of the older s. form (after `vault`)"),
    _p("docker-pat", "dckr_pat_", r"\bdckr_pat_[A-Za-z0-9_\-]{20,}",
       "echo dckr_pat_FAKEfakeFAKEfake-FAKEfake01 | docker login -u me --password-stdin",
       "dckr_pat_FAKEfakeFAKEfake-FAKEfake01", "Docker Hub personal access tokens"),
    _p("pypi-token", "pypi-ag", r"\bpypi-Ag[A-Za-z0-9_\-]{30,}",
       "twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmcFAKEfakeFAKEfakeFAKEfake dist/*",
       "pypi-AgEIcHlwaS5vcmcFAKEfakeFAKEfakeFAKEfake", "PyPI and TestPyPI API tokens"),
    _p("azure-shared-access-key", "sharedaccesskey=",
       r"(?i)\bSharedAccessKey=(?P<secret>[A-Za-z0-9+/]{20,}={0,2})",
       "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
       "SharedAccessKey=FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake012=",
       "FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake012", "Azure Service Bus / Event Hubs connection strings"),
    _p("twilio-api-key", "sk", r"\bSK[0-9a-fA-F]{32}\b",
       "twilio api:core:messages:list --api-key SK0123456789abcdef0123456789abcdef",
       "SK0123456789abcdef0123456789abcdef", "Twilio API key sids"),
    _p("twilio-account-sid", "ac", r"\bAC[0-9a-fA-F]{32}\b",
       "curl https://api.twilio.com/2010-04-01/Accounts/ACfedcba9876543210fedcba9876543210.json",
       "ACfedcba9876543210fedcba9876543210", "Twilio account sids"),
    _p("sendgrid-key", "sg.", r"\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}",
       "SENDGRID=SG.FAKEfakeFAKEfake-FAKEfa.FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfakeFAK ./send",
       "SG.FAKEfakeFAKEfake-FAKEfa.FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfakeFAK", "SendGrid API keys"),
    _p("npm-token", "npm_", r"\bnpm_[A-Za-z0-9]{36}\b", f"npm config set token npm_{_F36}", f"npm_{_F36}",
       "npm access tokens"),
    _p("npm-token", "_authtoken=", r"_authToken=(?P<secret>[^\s'\"]+)",
       "npm config set //registry.npmjs.org/:_authToken=FAKE-0000-fake-1111",
       "FAKE-0000-fake-1111", "npm registry auth tokens in .npmrc syntax"),
    _p("digitalocean-token", "_v1_", r"\bdo[pro]_v1_[a-f0-9]{64}\b",
       "doctl auth init -t dop_v1_" + "0f" * 32, "dop_v1_" + "0f" * 32, "DigitalOcean tokens"),
    _p("jwt", "eyj", r"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{8,}",
       "http :8080/me 'Cookie: s=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.FAKEfakeFAKEfake'",
       "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.FAKEfakeFAKEfake", "JSON web tokens"),
    _p("url-credentials", "@", r"\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://(?:\[REDACTED:[a-z0-9-]+\]|[^\s:/@'\"]*):(?P<secret>[^\s@/'\"]+)@",
       "psql postgres://app:FakePass123@db.internal:5432/app", "FakePass123",
       "passwords in URLs (user:password@host)"),
    _p("url-credentials", "@", r"\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://(?P<secret>[A-Za-z0-9_\-]{20,})@",
       "git push https://x7Rk2pQ9FAKEvB8nT1wY6cF3hJ5@git.example.com/me/r", "x7Rk2pQ9FAKEvB8nT1wY6cF3hJ5",
       "a token as a URL's user (https://TOKEN@host)", accept=random_looking),
    _p("url-query-secret", "key= token= signature= password= secret= auth=",
       r"(?i)[?&](?:api_?key|key|access_token|token|auth|signature|password|secret)=(?P<secret>[^&\s'\"#]+)",
       "curl 'https://api.example.com/v2/data?format=csv&api_key=FakeQueryKey'", "FakeQueryKey",
       "secrets in URL query strings (?key=, &token=)"),
    _p("auth-header", "authorization",
       r"(?i)\b(?:authorization|proxy-authorization)\s*:\s*(?:(?:bearer|basic|token|bot|digest)\s+)?"
       r"(?P<secret>[A-Za-z0-9._~+/=\-]{6,})",
       "curl -H 'Authorization: Bearer FAKEfakeFAKE.fake' https://api.example.com",
       "FAKEfakeFAKE.fake", "Authorization headers", accept=_not_a_scheme),
    _p("bearer-token", "bearer", r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9._~+/=\-]{8,})",
       "http GET api.example.com 'Bearer FAKEbearerFAKE'", "FAKEbearerFAKE", "bare bearer tokens",
       accept=_not_a_scheme),
    _p("api-key-header", "api-key auth-token private-token access-token",
       r"(?i)\b(?:x-api-key|api-key|x-auth-token|private-token|x-access-token)\s*:\s*(?P<secret>[^\s'\"]+)",
       "curl -H 'X-Api-Key: FAKEapiFAKE' https://api.example.com", "FAKEapiFAKE", "API key headers"),
    # a session cookie signs its holder in as surely as a password does
    _p("cookie-header", "cookie",
       r"(?i)\b(?:set-)?cookie\s*:\s*(?P<secret>[^\s'\";=]+=[^'\"\n]{6,})",
       "curl -H 'Cookie: session=FakeCookieValue123' https://example.com", "FakeCookieValue123",
       "Cookie and Set-Cookie headers"),
    _p("cookie-arg", "-b --cookie",
       r"\bcurl\b[^|;&\n]{0,1000}?\s(?:-b|--cookie)(?:\s+|=)['\"]?(?P<secret>[^\s'\"=;]+=[^\s'\"]+)",
       "curl -b 'sessionid=FakeSessionId42' https://example.com", "FakeSessionId42",
       "curl -b name=value (a cookie file's name is kept)"),
    _p("basic-auth-arg", "-u",
       r"(?:^|\s)(?:-u|--user|--proxy-user)(?:\s+|=)['\"]?(?:\[REDACTED:[a-z0-9-]+\]|[^\s:'\"]+):(?!//)"
       r"(?P<secret>[^\s'\"]+)",
       "curl -u admin:FakeAdminPw https://example.com", "FakeAdminPw", "curl -u user:password"),
    _p("basic-auth-arg", "http xh",
       r"\b(?:http|https|xh|xhs)\b[^|;&\n]{0,1000}?\s(?:-a|--auth)(?:\s+|=)['\"]?[^\s:'\"]+:(?P<secret>[^\s'\"]+)",
       "http -a admin:FakeHttpiePw GET example.com", "FakeHttpiePw", "HTTPie / xh -a user:password"),
    _p("basic-auth-arg", "smbclient rpcclient smbget smbmap",
       r"\b(?:smbclient|rpcclient|smbget|smbmap|smbcacls)\b[^|;&\n]{0,1000}?\s(?:-U|--user(?:name)?)(?:\s+|=)['\"]?"
       r"[^\s%'\"]+%(?P<secret>[^\s'\"]+)",
       "smbclient //srv/share -U me%FakeSmbPw9", "FakeSmbPw9", "smbclient -U user%password"),
    # a one-dash flag is the secret's name only when it starts with it or after - or _: in
    # "mysql -psecret shop" -p takes the password and "shop" is the database
    _p("password-arg", _WORD_NEEDLES,
       r"(?i)(?<![\w\-])(?:--[A-Za-z0-9_\-]{0,128}|-(?:[A-Za-z0-9_\-]{0,127}[_\-])?)" + _SECRET_WORDS
       + r"(?:=|\s+)" + _VALUE,
       "mysqldump --user=root --password=FakeDbPw1 shop", "FakeDbPw1",
       "--password / --token / --api-key style arguments"),
    # passwords given to a program on its command line or echoed into it (secret_commands.py)
    *(_p(*row) for row in COMMAND_ROWS),
    _p("secret-assignment", _WORD_NEEDLES,
       r"(?i)(?<![A-Za-z0-9])" + _SECRET_WORDS + _SUFFIX + r"\s*=(?!=)\s*" + _ASSIGNED,
       "export GITHUB_TOKEN=FakeAssignedToken", "FakeAssignedToken",
       "export X_TOKEN=... / X_SECRET= / PASSWORD= assignments (not code: password = data['password'])",
       accept=_not_code),
    # an environment variable whose name ends in the word with no separator: PGPASSWORD
    _p("secret-assignment", "password passwd token secret",
       r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET)\s*=(?!=)\s*" + _ASSIGNED,
       "PGPASSWORD=FakePgPw psql -h db -U admin", "FakePgPw", "PGPASSWORD=... (a name ending in the word)",
       accept=_not_code),
    # any other word after the secret's name (JWT_SECRET_SIGNING=...): only a value that looks generated
    _p("secret-assignment", _WORD_NEEDLES,
       r"(?i)(?<![A-Za-z0-9])" + _SECRET_WORDS + r"(?:_[A-Za-z0-9]+){1,3}\s*=(?!=)\s*" + _ASSIGNED,
       "export JWT_SECRET_SIGNING=Zx81FAKEq0LmYp3Rt7Vw2Nc5", "Zx81FAKEq0LmYp3Rt7Vw2Nc5",
       "X_SECRET_OTHER=... with a generated-looking value", accept=lambda v: random_looking(v.strip("'\""))),
    # the name, a space and the value, as pasted into a note ("AWS_SECRET_ACCESS_KEY wJalr..."):
    # only an upper-case variable's name, so prose ("the token expired") is never read as one
    _p("secret-assignment", "pass pwd token secret key credential",
       r"(?<![\w$\-])(?:(?:[A-Z0-9]+_)+(?:PASS|PWD)|(?:[A-Z0-9]+_)*(?:PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|"
       r"API_?KEY|ACCESS_KEY|SECRET_KEY|PRIVATE_KEY|CREDENTIALS?))[ \t]+" + _VALUE,
       "staging: REPLICA_DB_PASSWORD Fake7pw!x (rotated in May)", "Fake7pw!x",
       "X_PASSWORD value, a variable's name and its value without =", accept=_env_value),
    _p("password-short-arg", "redis-cli",
       r"\bredis-cli\b[^|;&\n]{0,1000}?\s-a\s+" + _VALUE,
       "redis-cli -h cache -a FakeRedisPw ping", "FakeRedisPw", "redis-cli -a PASSWORD"),
    _p("password-short-arg", "htpasswd",
       r"\bhtpasswd\b(?=[^|;&\n]*\s-[A-Za-z]*b)(?:\s+-[A-Za-z]+)*\s+[^\s\-]\S*\s+[^\s\-]\S*\s+" + _VALUE,
       "htpasswd -b -c /etc/nginx/.htpasswd alice FakeHtPw1", "FakeHtPw1", "htpasswd -b FILE USER PASSWORD"),
    _p("password-short-arg", "openssl",
       r"\bopenssl\b[^|;&\n]{0,1000}?\s(?:-k\s+|-pass(?:in|out)?\s+pass:)" + _VALUE,
       "openssl enc -aes-256-cbc -in notes.txt -out notes.enc -k FakeEncPw", "FakeEncPw",
       "openssl -k PASSWORD / -pass pass:PASSWORD"),
    _p("secret-assignment", _WORD_NEEDLES,
       r"(?i)\bset\s+(?:-[A-Za-z]+\s+){0,4}[A-Za-z0-9_]{0,128}" + _SECRET_WORDS + r"\s+" + _VALUE,
       "set -gx OPENAI_API_KEY FakeFishValue", "FakeFishValue", "fish: set -x X_TOKEN value"),
    _p("secret-json", _WORD_NEEDLES,
       r"(?i)(?<![A-Za-z0-9])" + _SECRET_WORDS + r"[\"']?\s*:\s*\"(?P<secret>[^\"\n]+)\"",
       "curl -d '{\"user\": \"me\", \"password\": \"FakeJsonPw\"}' https://api.example.com/login",
       "FakeJsonPw", "\"password\": \"...\" in JSON bodies"),
    _p("password-prose", "pass pw pin secret code fi key",
       r"(?i)\b(?:password|passwd|passphrase|passcode|pwd?|pin(?:\s+code)?|pin\s+number|secret(?:\s+key)?|"
       r"(?:access|door|gate|garage|alarm|lock|safe|keypad|entry|key\s?safe)\s+code|wi-?fi\s+key)"
       + _PROSE_IS + r"(?P<secret>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\",;]+?)(?=[.,;)]?['\"’”]?[.,;)]?(?:\s|$))",
       "note to self: the wifi password is Hunter2Fake, router in the hall", "Hunter2Fake",
       "\"the password is ...\" in notes and chats (a chosen-looking value: not a plain word)",
       accept=_chosen_or_long),
    _p("passphrase-prose", "pass fi",
       r"(?i)\b(?:passphrase|pass\s+phrase|password|passwd|wi-?fi\s+(?:key|password))"
       + _PROSE_IS + r"(?P<secret>[a-z]+(?:[ -][a-z0-9]+){1,7})(?=\s*(?:[.,;:!?()'\"’”]|$))",
       "my passphrase is purple monkey dishwasher", "purple monkey dishwasher",
       "a passphrase of plain words that ends its clause (three words or more, not a description)",
       accept=_passphrase),
    _p("password-prose", "pass pw",
       r"(?i)\b(?:with|using)\s+(?:the\s+)?(?:password|passphrase|passwd|pw)\s+"
       r"(?P<secret>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\",;]+?)(?=[.,;)]?['\"’”]?[.,;)]?(?:\s|$))",
       "ssh root@10.0.0.5 with password FakeWelcome9!", "FakeWelcome9",
       "\"with password ...\" in notes", accept=_chosen_or_long),
    # the fallback a program uses when its environment has none: os.getenv("DB_PASSWORD", "...")
    _p("secret-default", "getenv environ env.get fetch",
       r"(?i)\b(?:getenv|environ\.get|env\.get|ENV\.fetch)\(\s*['\"][A-Za-z0-9_]*"
       r"(?:PASSWORD|PASSWD|PASS|PWD|TOKEN|SECRET|API_?KEY)['\"]\s*,\s*(?P<secret>'[^'\n]+'|\"[^\"\n]+\")",
       "password = os.getenv(\"DB_PASSWORD\", \"FakeDevPw9\")", "FakeDevPw9",
       "a secret's default in os.getenv / ENV.fetch"),
    _p("pass-in-list", "pass pw",
       r"(?i)(?:^|[,;(])\s*(?:pass|pw|pwd)\s+(?P<secret>[^\s,;)\-][^\s,;)]{5,}?)"
       r"(?=[.,;)]?['\"’”]?[.,;)]?(?:\s|$))",
       "Mum's wifi: MOVISTAR_7A21, pass naranja2024", "naranja2024",
       "\"..., pass VALUE\" in a list of details (a chosen-looking value)", accept=_looks_chosen),
    _p("card-number", "0 1 2 3 4 5 6 7 8 9",
       # (not inside a word: a UUID's "426555-4429-485" may pass the Luhn check)
       r"(?<![\w.,-])(?P<secret>\d(?:[ -]?\d){12,18})(?![\w-]|[.,]\d)",
       "Paid the deposit with Visa 4539 1488 0343 6467 exp 09/28", "4539 1488 0343 6467",
       "payment card numbers (a network's prefix and a valid Luhn digit)", accept=card_number),
    _p("card-security-code", "cvv cvc csc security code",
       r"(?i)\b(?:cvv2?|cvc2?|csc|card\s+security\s+code|security\s+code)\b\s*(?:is|:|=|-)?\s*(?P<secret>\d{3,4})\b",
       "exp 09/28, CVV 331, billing address as usual", "331", "card security codes (CVV, CVC)"),
    _p("login-pair", "log sign credential account",
       r"(?i)\b(?:log-?\s?in|sign-?\s?in|credentials?|account)\b(?:\s+[\w-]+){0,3}?\s*(?:is|are|=|:)\s+"
       r"[^\s/]+\s*/\s*(?P<secret>[^\s,;/]{4,})(?=[\s,;]|$)",
       "Netflix login is me@example.com / Pancake!2024", "Pancake!2024",
       "\"login is user / password\" in notes (a chosen-looking password)", accept=_looks_chosen),
    # as people write passwords down in notes: a table, "Password - X", "Wifi: net / X" (secret_notes.py)
    *(_p(*row) for row in NOTE_ROWS),
    _p("high-entropy-token", _WORD_NEEDLES,
       r"(?i)\b(?:key|token|secret|password|passwd|pwd|credentials?|api[_\s-]?key|auth)\b[^\n]{0,40}?"
       r"(?<![A-Za-z0-9+/_\-])(?P<secret>[A-Za-z0-9+/_\-]{20,}={0,2})(?![A-Za-z0-9+/_\-])",
       "my staging key is in the chat: q8ZfAKE3vN1xR7tLmW2pK9sJ4hB6yC0e", "q8ZfAKE3vN1xR7tLmW2pK9sJ4hB6yC0e",
       "long random tokens near a secret-ish word (entropy check)", accept=random_looking),
    _p("high-entropy-token", _WORD_NEEDLES,
       r"(?i)(?<![A-Za-z0-9+/_\-])(?P<secret>[A-Za-z0-9+/_\-]{20,}={0,2})(?![A-Za-z0-9+/_\-=])[^\n]{0,40}?"
       r"\b(?:key|token|secret|password|passwd|pwd|credentials?|auth)\b",
       "Zq8FAKE3vN1xR7tLmW2pK9sJ4hB6yC0e is the new staging token", "Zq8FAKE3vN1xR7tLmW2pK9sJ4hB6yC0e",
       "long random tokens before a secret-ish word (not a hex digest)", accept=random_not_hex),
    # ("pass s3cr3t" after a comma is pass-in-list: a colon after the label left it out)
    _p("pass-label", "pass",
       r"(?i)\bpass\s*:\s*(?P<secret>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\",;)\-][^\s'\",;)]{5,}?)(?=[.,;)]?['\"’”]?[.,;)]?(?:\s|$))",
       "Netflix login: me@example.com, pass: s3cr3tflix", "s3cr3tflix",
       "\"pass: VALUE\" labels (six characters or more with a digit or a symbol)", accept=_pass_value),
    # after a label that can only name a password, any value: a plain word or a short one
    # ("wifi pass: sunshine", "pw: x", "login: bob pass: 12"); not the bare "pass:" above
    _p("password-label", "pass pw",
       r"(?i)(?:\b(?:password|passwd|passcode|pwd|pw|wi-?fi\s+pass)|\blog-?\s?in\b[^\n]{0,60}?\bpass)\s*:[ \t]*"
       r"(?P<secret>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\",;]+?)(?=[.,;)]?['\"’”]?[.,;)]?(?:\s|$))",
       "wifi pass: sunshine", "sunshine", "\"password: VALUE\" labels (any value)", accept=_labelled_value),
    _p("password-prose", "pass pw",
       r"(?i)\b(?:password|passwd|passcode|pwd|pw)\s+(?:is|was)\s+(?:now\s+|still\s+)?(?P<secret>[a-z]+)"
       r"(?=['\"’”]?(?:[.;!?]|\s*$))",
       "my password is sunshine", "sunshine", "a one-word password closing \"my password is ...\"",
       accept=_one_word_password),
    # the value right after the word, with no "is" or colon: "Sent Rui the password hunter2",
    # "new netflix pw BlueWhale77", "password changed to ..." (a value with a digit or a symbol)
    _p("password-prose", "pass pw",
       r"(?i)\b(?:password|passcode|pwd|pw)\s+(?:(?:(?:is|was|has\s+been)\s+)?(?:changed|set|reset)\s+to\s+"
       r"|(?:is\s+)?now\s+)?(?P<secret>[^\s'\",;]+?)(?=[.,;)]?['\"’”]?[.,;)]?(?:\s|$))",
       "Sent Rui the password FakeHunter2 for the shared Netflix", "FakeHunter2",
       "\"password X\" and \"pw X\" in notes (a value of six or more with a digit or a symbol)", accept=_pass_value),
    # a lower-case key with a colon, as in a config file or a heredoc: db_password: ...
    _p("secret-assignment", "pass pwd token secret key",
       r"(?i)(?<![\w$\-])[a-z0-9]+_(?:password|passwd|pass|pwd|secret|token|api_?key)\s*:[ \t]*" + _VALUE,
       "db_password: FakeHeredoc77", "FakeHeredoc77", "x_password: value (YAML, a config file)",
       accept=_env_value),
    # a YAML or .env key with a colon: SECRET_KEY_BASE: 3f8a...
    _p("secret-assignment", "pass pwd token secret key credential",
       r"(?<![\w$\-])(?:[A-Z0-9]+_)*(?:PASSWORD|PASSWD|PASS|PWD|TOKEN|SECRET|API_?KEY|ACCESS_KEY|SECRET_KEY|"
       r"PRIVATE_KEY|CREDENTIALS?)" + "(?i:" + _SUFFIX + ")" + r"\s*:[ \t]*" + _VALUE,
       "SECRET_KEY_BASE: 3f8a9b2c7d6e5f4a3b2c1d0e9f8a7b6c", "3f8a9b2c7d6e5f4a3b2c1d0e9f8a7b6c",
       "X_SECRET: value, a variable's name and its value after a colon (YAML)", accept=_env_value),
)


class Redaction:
    """Redacted text and the names of the patterns that fired."""

    __slots__ = ("text", "names")

    def __init__(self, text: str, names: list[str]) -> None:
        self.text = text
        self.names = names

    def __repr__(self) -> str:
        return f"Redaction({self.text!r}, {self.names!r})"

    @property
    def changed(self) -> bool:
        return bool(self.names)


_MARKED = re.compile(r"\[REDACTED:[a-z0-9\-]+\]")


def _replacer(pattern: SecretPattern, found: list[str], marked: list[tuple[int, int]]):
    tag = f"{MARK}{pattern.name}]"
    has_group = "secret" in pattern.regex.groupindex

    def overlaps(start: int, end: int) -> bool:
        return any(start < m_end and m_start < end for m_start, m_end in marked)

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if pattern.rewrite is not None:
            new = pattern.rewrite(whole, tag)
            if new != whole:
                found.append(pattern.name)
            return new
        if has_group and match.group("secret") is not None:
            secret = match.group("secret")
            start, end = match.span("secret")
            if overlaps(start, end) or not secret.strip("'\"") or MARK in secret:
                return whole
            if pattern.accept is not None and not pattern.accept(secret):
                return whole
            if placeholder(secret):
                return whole
            quote = secret[0] if secret[:1] in {"'", '"'} and secret[-1:] == secret[:1] else ""
            offset = match.start()
            found.append(pattern.name)
            return whole[: start - offset] + f"{quote}{tag}{quote}" + whole[end - offset:]
        if overlaps(*match.span()):
            return whole
        found.append(pattern.name)
        return tag

    return replace


def redact(text: str, *, eager: bool = False) -> Redaction:
    """Replace every secret the table knows; returns the text and the pattern names hit.

    ``eager`` tries every regex regardless of needles (the tests compare both ways)."""
    found: list[str] = []
    folded = text.casefold()
    for pattern in PATTERNS:
        if not eager and not pattern.may_match(folded):
            continue
        if not pattern.regex.search(text):
            continue
        marked = [m.span() for m in _MARKED.finditer(text)] if MARK in text else []
        text = pattern.regex.sub(_replacer(pattern, found, marked), text)
        folded = text.casefold()
    return Redaction(text, sorted(set(found)))

