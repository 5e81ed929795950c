"""Passwords typed to command-line tools (found by a user: stored as typed by the shell hook and
every other write path): the password goes, the command around it stays as typed, and the same
programs used without a password on the line are left alone."""

from __future__ import annotations

import time

import pytest

from recall_cli.capture.secrets import redact


@pytest.mark.parametrize(("typed", "stored"), [
    ("echo 'hunter2' | passwd --stdin bob", "echo '[REDACTED:password-stdin]' | passwd --stdin bob"),
    ("echo Hunter2x | sudo passwd --stdin bob", "echo [REDACTED:password-stdin] | sudo passwd --stdin bob"),
    ("printf '%s\\n' 'PrintfPw1' | passwd --stdin bob",
     "printf '%s\\n' '[REDACTED:password-stdin]' | passwd --stdin bob"),
    ('echo "MyS3cretPhrase" | gpg --batch --passphrase-fd 0 -d f.gpg',
     'echo "[REDACTED:password-stdin]" | gpg --batch --passphrase-fd 0 -d f.gpg'),
    ("echo my secret phrase | gpg --batch --passphrase-fd=0 -c notes.txt",
     "echo [REDACTED:password-stdin] | gpg --batch --passphrase-fd=0 -c notes.txt"),
    ("echo -n RegistryPw5 | docker login -u me --password-stdin registry.example.com",
     "echo -n [REDACTED:password-stdin] | docker login -u me --password-stdin registry.example.com"),
    ("echo GhesToken77 | gh auth login --hostname git.corp --with-token",
     "echo [REDACTED:password-stdin] | gh auth login --hostname git.corp --with-token"),
    ("echo WebPw123 | htpasswd -i -c .htpasswd bob", "echo [REDACTED:password-stdin] | htpasswd -i -c .htpasswd bob"),
])
def test_a_password_echoed_into_a_program_that_reads_it_from_stdin_is_redacted(typed, stored):
    assert redact(typed).text == stored


@pytest.mark.parametrize(("typed", "stored"), [
    ("echo 'bob:Hunter2x!' | chpasswd", "echo 'bob:[REDACTED:password-stdin]' | chpasswd"),
    ('echo "bob:two words" | sudo chpasswd', 'echo "bob:[REDACTED:password-stdin]" | sudo chpasswd'),
    ("echo bob:Unquoted9 | chpasswd -c SHA512", "echo bob:[REDACTED:password-stdin] | chpasswd -c SHA512"),
])
def test_chpasswd_keeps_the_user_name_and_loses_the_password(typed, stored):
    assert redact(typed).text == stored


@pytest.mark.parametrize(("typed", "stored"), [
    ("ldapsearch -x -D cn=admin,dc=ex,dc=com -w LdapPw123 -b dc=ex,dc=com",
     "ldapsearch -x -D cn=admin,dc=ex,dc=com -w [REDACTED:password-short-arg] -b dc=ex,dc=com"),
    ("ldapmodify -x -D cn=admin,dc=ex -w 'Ldap Pw' -f x.ldif",
     "ldapmodify -x -D cn=admin,dc=ex -w '[REDACTED:password-short-arg]' -f x.ldif"),
    ("ldapadd -xw LdapPw123 -D cn=admin -f a.ldif", "ldapadd -xw [REDACTED:password-short-arg] -D cn=admin -f a.ldif"),
    ("ldapdelete -x -D cn=admin -wLdapPw123 uid=bob,dc=ex",
     "ldapdelete -x -D cn=admin -w[REDACTED:password-short-arg] uid=bob,dc=ex"),
    ("ldappasswd -x -D cn=admin -w AdminPw1 -a OldPw1 -s NewPw1 uid=bob",
     "ldappasswd -x -D cn=admin -w [REDACTED:password-short-arg] -a [REDACTED:password-short-arg] "
     "-s [REDACTED:password-short-arg] uid=bob"),
])
def test_an_ldap_tools_bind_password_after_w_is_redacted(typed, stored):
    assert redact(typed).text == stored


@pytest.mark.parametrize(("typed", "stored"), [
    ("sqlplus scott/TigerPw1@orcl", "sqlplus scott/[REDACTED:oracle-login]@orcl"),
    ("sqlplus -s scott/TigerPw1@orcl", "sqlplus -s scott/[REDACTED:oracle-login]@orcl"),
    ("sqlplus -S -L scott/TigerPw1@//db.ex.com:1521/orcl @run.sql",
     "sqlplus -S -L scott/[REDACTED:oracle-login]@//db.ex.com:1521/orcl @run.sql"),
    ("sqlplus 'sys/TigerPw1@orcl as sysdba'", "sqlplus 'sys/[REDACTED:oracle-login]@orcl as sysdba'"),
    ("sqlplus scott/TigerPw1", "sqlplus scott/[REDACTED:oracle-login]"),
    ("conn scott/TigerPw1", "conn scott/[REDACTED:oracle-login]"),
    ("conn scott/tiger", "conn scott/[REDACTED:oracle-login]"),
    ("SQL> CONNECT sys/TigerPw1 as sysdba", "SQL> CONNECT sys/[REDACTED:oracle-login] as sysdba"),
    ("expdp scott/TigerPw1@orcl dumpfile=x.dmp", "expdp scott/[REDACTED:oracle-login]@orcl dumpfile=x.dmp"),
    ("rman target sys/TigerPw1@orcl", "rman target sys/[REDACTED:oracle-login]@orcl"),
])
def test_sqlplus_keeps_the_user_and_the_database_and_loses_the_password(typed, stored):
    assert redact(typed).text == stored


@pytest.mark.parametrize(("typed", "stored"), [
    ("keytool -storepass changeit123 -list", "keytool -storepass [REDACTED:password-arg] -list"),
    ("keytool -list -keystore ks.jks -storepass StorePw1 -keypass KeyPw1",
     "keytool -list -keystore ks.jks -storepass [REDACTED:password-arg] -keypass [REDACTED:password-arg]"),
    ("keytool -importkeystore -srcstorepass SrcPw1 -deststorepass DstPw1 -destkeystore b.jks",
     "keytool -importkeystore -srcstorepass [REDACTED:password-arg] -deststorepass [REDACTED:password-arg] "
     "-destkeystore b.jks"),
    ("keytool -storepasswd -new NewPw1 -keystore ks.jks",
     "keytool -storepasswd -new [REDACTED:password-arg] -keystore ks.jks"),
    ("jarsigner -keystore ks.jks -storepass JarPw123 app.jar me",
     "jarsigner -keystore ks.jks -storepass [REDACTED:password-arg] app.jar me"),
])
def test_keytool_store_and_key_passwords_are_redacted(typed, stored):
    assert redact(typed).text == stored


@pytest.mark.parametrize("command", [
    "passwd bob", "passwd", "chpasswd < users.txt", "keytool -list -keystore ks.jks",
    "keytool -list -storepass:env STOREPW -keystore ks.jks", "keytool -list -storepass:file pw.txt -keystore ks.jks",
    "sqlplus /nolog", "sqlplus / as sysdba", "sqlplus scott@orcl", "sqlplus -s @report.sql",
    "ldapsearch -x -b dc=ex", "ldapsearch -x -W -D cn=admin -b dc=ex",
    "ldapsearch -x -D cn=admin -y /etc/ldap.secret -b dc=ex", "echo hello | wc -l", "gpg -d f.gpg",
    "echo hello | git hash-object --stdin", "cat pw.txt | docker login --password-stdin",
    "connect to/from the office later", "connect the pump to the tank",
])
def test_the_same_programs_without_a_password_on_the_line_are_left_alone(command):
    assert redact(command).text == command


@pytest.mark.parametrize("command", [
    "echo $PW | docker login -u me --password-stdin", 'echo "$(pass show db)" | docker login --password-stdin',
    "printf '%s' \"$PW\" | passwd --stdin bob", 'echo "$USER:$NEWPW" | chpasswd',
    "keytool -list -storepass $STOREPW",
])
def test_a_password_read_from_a_variable_or_a_command_is_kept_as_typed(command):
    assert redact(command).text == command


def test_long_lines_of_options_or_words_stay_fast():
    """An option and an echoed word are never tried as each other: without that, 70 kB of
    "printf -x -x ..." took minutes."""
    n = 70_000
    started = time.perf_counter()
    for text in ["printf " + "-x " * n, "echo " + "a " * n, "echo " + "-x a:" * n + " | chpasswd",
                 "sqlplus " + "-s 1 " * n, "echo a | " + "passwd " * n, "ldapsearch " + "-x " * n, "conn " * n]:
        redact(text + " stdin passphrase-fd", eager=True)
    assert time.perf_counter() - started < 30
