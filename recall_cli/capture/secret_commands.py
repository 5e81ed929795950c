"""Passwords typed on a command line: given to a program as an argument (``mysql -pX``,
``ldapsearch -w X``, ``keytool -storepass X``, ``sqlplus scott/X@orcl``) or echoed into one
that reads it from stdin (``echo X | sudo -S``, ``passwd --stdin``, ``chpasswd``,
``gpg --passphrase-fd 0``, ``--password-stdin``).

Standard library only, like secrets.py, whose one table takes these rows in their place
(after the ``--password`` style flags, before the assignments). A row is what secrets.py makes
a pattern of: a name, needles, a regular expression, an example and the secret in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

# A value after a flag or an assignment: quoted, or up to the next shell separator.
VALUE = r"""(?P<secret>'[^'\n]*'|"[^"\n]*"|[^\s'";&|<>)]+)"""

# echo or printf of a value (unquoted, it may be words: "echo my pass phrase"), printf's own
# format first ("printf '%s\n' PW"), and the pipe into the program that reads it (possessive:
# a word is an option or the value, never tried as both)
_ECHOED = (r"\b(?:echo|printf)\s+(?:--?[A-Za-z]*\s+)*+(?:(?:'%s[^'\n]*'|\"%s[^\"\n]*\")\s+)?"
           r"(?P<secret>'[^'\n]*'|\"[^\"\n]*\"|[^\s'\";&|<>)]++(?:[ \t]++[^\s'\";&|<>)]++)*+)\s*\|\s*")
# ... a program told to read a password from stdin
_READS_STDIN = (r"[^|;&\n]{0,1000}?(?:\bpasswd\s(?:[^|;&\n]{0,1000}?\s)?--stdin"
                r"|\s--passphrase-fd(?:\s+|=)0|\s--password-stdin|\s--with-token"
                r"|\bhtpasswd\s(?:[^|;&\n]{0,1000}?\s)?-[A-Za-z]*i[A-Za-z]*)(?![\w-])")
# chpasswd's "user:password", quoted or not (only the password goes)
_USER_AND_PASSWORD = (r"\b(?:echo|printf)\s+(?:--?[A-Za-z]*\s+)*+(?:(?P<sq>')|(?P<dq>\"))?[^\s:'\"|;&<>]+:"
                      r"(?P<secret>(?(sq)[^'\n]+|(?(dq)[^\"\n]+|[^\s'\"|;&<>]+)))(?(sq)'|(?(dq)\"))"
                      r"\s*\|\s*(?:[^|;&\n]{0,200}?\s)?chpasswd(?![\w-])")
# Oracle's user/password: after sqlplus (and its flags: -s, -L, -R 3), sqlldr, expdp, impdp
# (userid=), rman target; the password ends at @database, a space or the line's end
_ORACLE_PASSWORD = r"""['"]?[A-Za-z][\w$#]*/(?P<secret>"[^"\n]+"|[^\s@'";&|<>)]+)"""
_CONNECT = r"(?i)(?:^|[;\n])[ \t]*(?:SQL>[ \t]*)?conn(?:ect)?[ \t]+" + _ORACLE_PASSWORD


def _not_substituted(value: str) -> bool:
    """An echoed value that is a command's output ("$(pass show db)", `cat pw`) names no password."""
    return not value.strip("'\"").startswith(("$(", "`"))


def _chosen(value: str) -> bool:
    """A password a person chose, not a word of prose: a digit, a symbol or mixed case in it."""
    core = value.strip("'\"")
    return (any(c.isdigit() for c in core) or any(not c.isalnum() for c in core)
            or (any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)))


class Row(NamedTuple):
    """One row of the secret table, in the order of secrets.py's ``_p`` (secret_notes.py's
    rows use ``keep``, texts the row must leave as they are, and ``rewrite``)."""

    name: str
    needles: str
    pattern: str
    example: str
    secret: str
    description: str = ""
    flags: int = 0
    accept: Callable[[str], bool] | None = None
    keep: tuple[str, ...] = ()
    rewrite: Callable[[str, str], str] | None = None


COMMAND_ROWS: tuple[Row, ...] = (
    Row("password-short-arg", "mysql mariadb",
        r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^|;&\n]{0,1000}?\s-p"
        r"(?P<secret>'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"-][^\s'\"]*)",
        "mysql -u root -pFakeRootPw -h db", "FakeRootPw", "mysql -pPASSWORD"),
    Row("password-short-arg", "mysql mariadb",
        r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^|;&\n]{0,1000}?\s-p"
        r"(?P<secret>'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"-][^\s'\"]*)",
        "mysql -u root -p'Fake Quoted Pw' shop", "Fake Quoted Pw", "mysql -p'PASSWORD' (quoted)"),
    Row("password-short-arg", "sshpass login helm",
        r"\b(?:sshpass|docker\s+login|podman\s+login|helm\s+repo\s+add|az\s+login)\b[^|;&\n]{0,1000}?\s-p\s+" + VALUE,
        "sshpass -p FakeSshPw ssh deploy@host", "FakeSshPw", "sshpass -p / docker login -p"),
    Row("password-short-arg", "ssh-keygen",
        r"\bssh-keygen\b[^|;&\n]{0,1000}?\s-[NP]\s+(?P<secret>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\";&|<>)-][^\s'\";&|<>)]*)",
        "ssh-keygen -q -N 'Fake key phrase' -f k", "Fake key phrase", "ssh-keygen -N / -P passphrase"),
    Row("password-short-arg", "7z 7za 7zz",
        r"\b7z[az]?\b[^|;&\n]{0,1000}?\s-p(?P<secret>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\"-][^\s'\"]*)",
        "7z a -pFakeZipPw a.7z f", "FakeZipPw", "7z -pPASSWORD"),
    Row("password-short-arg", "zip",
        r"\b(?:un)?zip\b[^|;&\n]{0,1000}?\s-P\s+" + VALUE,
        "unzip -P FakeUnzipPw a.zip", "FakeUnzipPw", "zip / unzip -P PASSWORD"),
    Row("password-short-arg", "sqlcmd bcp osql",
        r"\b(?:sqlcmd|bcp|osql)\b[^|;&\n]{0,1000}?\s-P\s*" + VALUE,
        "sqlcmd -S srv -U sa -P FakeSqlPw!", "FakeSqlPw!", "sqlcmd -P PASSWORD"),
    Row("password-short-arg", "freerdp rdesktop",
        r"\b(?:[xw]freerdp3?|sdl-freerdp3?|rdesktop)\b[^|;&\n]{0,1000}?\s(?:/p:|-p\s+)" + VALUE,
        "xfreerdp /u:admin /p:FakeRdpPw /v:host", "FakeRdpPw", "xfreerdp /p:PASSWORD"),
    Row("password-short-arg", "sudo",
        r"\b(?:echo|printf)\s+(?:-[a-z]+\s+)?" + VALUE + r"\s*\|\s*sudo\b[^|;&\n]*?\s-[A-Za-z]*S\b",
        "echo FakeSudoPw | sudo -S apt update", "FakeSudoPw", "echo PASSWORD | sudo -S"),
    Row("password-stdin", "stdin passphrase-fd with-token htpasswd",
        _ECHOED + _READS_STDIN,
        "echo \"FakeGpgPhrase\" | gpg --batch --passphrase-fd 0 -d f.gpg", "FakeGpgPhrase",
        "echo PASSWORD | passwd --stdin / gpg --passphrase-fd 0 / --password-stdin", accept=_not_substituted),
    Row("password-stdin", "chpasswd",
        _USER_AND_PASSWORD,
        "echo 'bob:FakeChPw1!' | chpasswd", "FakeChPw1!", "echo USER:PASSWORD | chpasswd",
        accept=_not_substituted),
    # ldapsearch, ldapmodify, ldapadd, ldapdelete, ldappasswd...: -w PASSWORD (-W asks, -y names a file)
    Row("password-short-arg", "ldap",
        r"\bldap(?:search|modify|add|delete|passwd|compare|modrdn|whoami|exop|url|vc)\b[^|;&\n]{0,1000}?"
        r"\s-x?w\s*" + VALUE,
        "ldapsearch -x -D cn=admin,dc=ex,dc=com -w FakeLdapPw -b dc=ex,dc=com", "FakeLdapPw",
        "ldapsearch -w PASSWORD"),
    # (a row each: a match starts at the command's name, so one row finds one flag)
    Row("password-short-arg", "ldappasswd",
        r"\bldappasswd\b[^|;&\n]{0,1000}?\s-s\s*" + VALUE,
        "ldappasswd -x -D cn=admin,dc=ex -W -s FakeNewLdapPw uid=bob,dc=ex", "FakeNewLdapPw",
        "ldappasswd -s NEW_PASSWORD"),
    Row("password-short-arg", "ldappasswd",
        r"\bldappasswd\b[^|;&\n]{0,1000}?\s-a\s*" + VALUE,
        "ldappasswd -x -D cn=admin,dc=ex -W -a FakeOldLdapPw uid=bob,dc=ex", "FakeOldLdapPw",
        "ldappasswd -a OLD_PASSWORD"),
    # Java's keytool and jarsigner (-storepass:env VAR and -storepass:file F name where it is kept)
    Row("password-arg", "storepass keypass keytool",
        r"(?:(?<![\w-])-(?:src|dest)?(?:store|key)pass|\bkeytool\b[^|;&\n]{0,1000}?\s-new)\s+" + VALUE,
        "keytool -importkeystore -srckeystore a.p12 -srcstorepass FakeStorePw -destkeystore b.jks",
        "FakeStorePw", "keytool -storepass / -keypass / -srcstorepass / -deststorepass PASSWORD"),
    Row("oracle-login", "sqlplus sqlldr expdp impdp rman",
        r"(?i)\b(?:(?:sqlplus|sqlldr|expdp|impdp)(?:\s+-{1,2}[a-z]+(?:\s+\d+)?)*\s+(?:userid=)?"
        r"|rman\s+(?:target|catalog|auxiliary)\s+(?:=\s*)?)" + _ORACLE_PASSWORD + r"(?=[@\s'\";]|$)",
        "sqlplus -s scott/FakeTigerPw@orcl @report.sql", "FakeTigerPw", "sqlplus USER/PASSWORD@DB"),
    # conn / connect at a line's start (typed in SQL*Plus, a script or a pasted session): any
    # password that ends the line or comes before @db or "as sysdba", one that looks chosen
    # before other words; "connect to/from the office" is prose
    Row("oracle-login", "conn", _CONNECT + r"(?=@|[ \t]*(?:;|\n|$)|[ \t]+as[ \t]+sys)",
        "SQL> conn scott/fakeconnpw", "fakeconnpw", "conn USER/PASSWORD in SQL*Plus"),
    Row("oracle-login", "conn", _CONNECT + r"(?=\s)",
        "conn scott/FakeConn9 then run the report", "FakeConn9", "conn USER/PASSWORD before other words",
        accept=_chosen),
)
