"""The redaction table: every pattern's example is redacted, and a corpus of fake credentials
in realistic commands never reaches the spool, the quarantine or the database."""

from __future__ import annotations

import re

import pytest

from recall_cli.capture import record
from recall_cli.capture.ingest import ingest
from recall_cli.capture.secrets import PATTERNS, redact

F36 = "FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"

# (command, the secret inside it). All values are fake but have the real formats.
CORPUS = [
    ("export AWS_ACCESS_KEY_ID=AKIAZZZZFAKE7EXAMPLE", "AKIAZZZZFAKE7EXAMPLE"),
    ("export AWS_SECRET_ACCESS_KEY=fAkE/SeCrEt+KeY0123456789abcdefghijKLMNOP",
     "fAkE/SeCrEt+KeY0123456789abcdefghijKLMNOP"),
    ("aws configure set aws_secret_access_key 'zzFAKEzzFAKEzzFAKEzzFAKEzzFAKEzzFAKE/+=0'",
     "zzFAKEzzFAKEzzFAKEzzFAKEzzFAKEzzFAKE/+=0"),
    ("curl 'https://maps.googleapis.com/maps/api/geocode/json?address=x&key=AIzaSyD-FAKEfakeFAKEfakeFAKEfake1234567'",
     "AIzaSyD-FAKEfakeFAKEfakeFAKEfake1234567"),
    ("gcloud auth print-access-token | xargs -I{} curl -H 'Authorization: Bearer ya29.a0FAKEtokenFAKEtoken123' x",
     "ya29.a0FAKEtokenFAKEtoken123"),
    ("az storage container list --connection-string 'DefaultEndpointsProtocol=https;AccountName=acct;"
     "AccountKey=" + "Zm9vYmFyZmFrZWtleQ" * 4 + "==;EndpointSuffix=core.windows.net'", "Zm9vYmFyZmFrZWtleQ" * 4),
    ("azcopy copy ./f 'https://acct.blob.core.windows.net/c/f?sv=2021-08-06&se=2026&sp=rw&sig=aBcD1234FAKEsig%2FzzZ%3D'",
     "aBcD1234FAKEsig%2FzzZ%3D"),
    ("az login --service-principal -u 00000000-app -p Xy7Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake1 --tenant t",
     "Xy7Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake1"),
    (f"git remote add origin https://ghp_{F36}@github.com/me/app.git", f"ghp_{F36}"),
    (f"GH_TOKEN=gho_{F36} gh pr list", f"gho_{F36}"),
    ("echo github_pat_11AAFAKE0fakeFAKEfake_0123456789fakeFAKEfake | gh auth login --with-token",
     "github_pat_11AAFAKE0fakeFAKEfake_0123456789fakeFAKEfake"),
    ("git clone https://oauth2:glpat-FAKEfake_FAKEfake-123@gitlab.com/grp/proj.git", "glpat-FAKEfake_FAKEfake-123"),
    ("curl -X POST -d 'token=xoxp-1111111111-2222222222-FAKEfakeFAKE' https://slack.com/api/auth.test",
     "xoxp-1111111111-2222222222-FAKEfakeFAKE"),
    ("curl -d '{\"text\":\"deploy\"}' https://hooks.slack.com/services/TFAKE0001/BFAKE0002/FAKEfakeFAKEfakeFAKE",
     "FAKEfakeFAKEfakeFAKE"),
    ("stripe customers list --api-key sk_live_51FAKEfakeFAKEfakeFAKEfake", "sk_live_51FAKEfakeFAKEfakeFAKEfake"),
    ("curl https://api.stripe.com/v1/charges -u rk_live_FAKEfakeFAKEfake0099:", "rk_live_FAKEfakeFAKEfake0099"),
    ("OPENAI_API_KEY=sk-proj-FAKEfake_FAKEfake-FAKEfake0123 python chat.py", "sk-proj-FAKEfake_FAKEfake-FAKEfake0123"),
    ("curl https://api.openai.com/v1/models -H 'Authorization: Bearer sk-FAKEfakeFAKEfakeFAKEfake00'",
     "sk-FAKEfakeFAKEfakeFAKEfake00"),
    ("claude --api-key sk-ant-api03-FAKEfakeFAKEfake_FAKEfake-0000", "sk-ant-api03-FAKEfakeFAKEfake_FAKEfake-0000"),
    ("twilio profiles:create --account-sid AC0123456789abcdef0123456789abcdef "
     "--auth-token 0123456789abcdef0123456789abcdef",
     "0123456789abcdef0123456789abcdef"),
    ("curl -u SKfedcba9876543210fedcba9876543210:FakeTwilioSecret https://api.twilio.com", "FakeTwilioSecret"),
    ("curl --request POST --url https://api.sendgrid.com/v3/mail/send --header "
     "'Authorization: Bearer SG.FAKEfakeFAKEfake012345.FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake0123456'",
     "SG.FAKEfakeFAKEfake012345.FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake0123456"),
    (f"echo //registry.npmjs.org/:_authToken=npm_{F36} >> ~/.npmrc", f"npm_{F36}"),
    ("http GET :8000/api/me "
     "'Authorization:JWT eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.FAKEsignatureFAKE'",
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.FAKEsignatureFAKE"),
    ("printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAFAKEFAKE\\n"
     "-----END OPENSSH PRIVATE KEY-----' > id",
     "b3BlbnNzaC1rZXktdjEAAAAFAKEFAKE"),
    ("mysql -h db.internal -u root --password=Sup3rFakeP4ss shop", "Sup3rFakeP4ss"),
    ("mysql -u admin -pFakeMysqlPw9 -e 'show databases'", "FakeMysqlPw9"),
    ("vault login -method=userpass username=me password='Fake Vault Pw'", "Fake Vault Pw"),
    ("docker login -u deploy -p FakeDockerPw registry.example.com", "FakeDockerPw"),
    ("sshpass -p 'FakeSshPass!' ssh pi@raspberrypi.local", "FakeSshPass!"),
    ("psql 'postgresql://app:FakePgPass42@db.example.com:5432/app?sslmode=require'", "FakePgPass42"),
    ("redis-cli -u redis://default:FakeRedisPw@cache:6379 ping", "FakeRedisPw"),
    ("curl -u alice:FakeCurlPw https://intranet.example.com/report.csv", "FakeCurlPw"),
    ("curl -H 'X-API-Key: FakeHeaderKey123' https://api.example.com/v1/items", "FakeHeaderKey123"),
    ("export DATABASE_PASSWORD=FakeDbPassword1", "FakeDbPassword1"),
    ("export MY_SERVICE_TOKEN=\"FakeQuotedToken 2\"", "FakeQuotedToken 2"),
    ("set -gx ANTHROPIC_API_KEY FakeFishKey77", "FakeFishKey77"),
    ("terraform apply -var db_password=FakeTfPw -auto-approve", "FakeTfPw"),
    ("kubectl create secret generic app --from-literal=client_secret=FakeK8sSecret", "FakeK8sSecret"),
    ("huggingface-cli login --token hf_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234",
     "hf_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"),
    ("doctl auth init --access-token dop_v1_" + "a1" * 32, "dop_v1_" + "a1" * 32),
    ("curl -d '{\"username\": \"me\", \"password\": \"FakeJsonLogin\"}' https://example.com/login", "FakeJsonLogin"),
    ("wget --header='Authorization: Basic ZmFrZTpmYWtlcGFzcw==' https://example.com/file", "ZmFrZTpmYWtlcGFzcw=="),
    ("gcloud iam service-accounts keys create k.json --client-secret GOCSPX-FAKEfakeFAKEfakeFAKEfake12 x",
     "GOCSPX-FAKEfakeFAKEfakeFAKEfake12"),
    # the classes a review found missing
    ("mysql -h db -u app -p'Fake Quoted MysqlPw' shop", "Fake Quoted MysqlPw"),
    ('mysqldump -u root -p"FakeDoubleQuoted7" shop > shop.sql', "FakeDoubleQuoted7"),
    ("az servicebus queue list --connection-string 'Endpoint=sb://ns.servicebus.windows.net/;"
     "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=FAKEfakeFAKEfake0123456789FAKEfakeFAKEfake0A='",
     "FAKEfakeFAKEfake0123456789FAKEfakeFAKEfake0A"),
    ("export VAULT_TOKEN=hvs.CAESIJFAKEfakeFAKEfakeFAKEfakeFAKEfake01", "hvs.CAESIJFAKEfakeFAKEfakeFAKEfakeFAKEfake01"),
    ("vault login hvs.CAESIKfakeFAKEfakeFAKEfakeFAKEfakeFAKE02", "hvs.CAESIKfakeFAKEfakeFAKEfakeFAKEfakeFAKE02"),
    ("echo dckr_pat_FAKEfake_FAKEfakeFAKEfake-0 | docker login -u me --password-stdin",
     "dckr_pat_FAKEfake_FAKEfakeFAKEfake-0"),
    ("twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmcCJDFAKEfakeFAKEfakeFAKEfakeFAKE dist/*",
     "pypi-AgEIcHlwaS5vcmcCJDFAKEfakeFAKEfakeFAKEfakeFAKE"),
    ("uv publish --token pypi-AgENdGVzdC5weXBpLm9yZwFAKEfakeFAKEfakeFAKEfake",
     "pypi-AgENdGVzdC5weXBpLm9yZwFAKEfakeFAKEfakeFAKEfake"),
    # prose, as people write it in notes and chats
    ("Note to self: the wifi password is Tr0ub4dorFake&3", "Tr0ub4dorFake&3"),
    ("the alarm code is 482193 (the panel by the door)", "482193"),
    ("My bank PIN is 739188, don't tell anyone", "739188"),
    ("The passphrase for the backup disk is 'blue mango 77 fake'.", "blue mango 77 fake"),
    ("door code: 55#21FAKE", "55#21FAKE"),
    ("Guest wifi key: PurpleFakeOtter42", "PurpleFakeOtter42"),
    ("here is the staging deploy token: 9fJk2LmQ8xZr4TyWb7NcV1sHd3Gp6Ea0", "9fJk2LmQ8xZr4TyWb7NcV1sHd3Gp6Ea0"),
    ("my openai key sk-FAKEchatFAKEchatFAKEchat99 stopped working", "sk-FAKEchatFAKEchatFAKEchat99"),
    ("mongosh 'mongodb+srv://admin:FakeMongoPw9@cluster0.example.net/test'", "FakeMongoPw9"),
    ('{"stripe": {"secret_key": "sk_test_FAKEfakeFAKEfake0000"}}', "sk_test_FAKEfakeFAKEfake0000"),
    ("AWS key for the backup job is AKIAFAKEBACKUP000001", "AKIAFAKEBACKUP000001"),
    # what a new user wrote and saw stored as written
    ("Netflix login is me@example.com / Pancake!2024", "Pancake!2024"),
    ("wifi: HomeNet5G pw: blueberry-pancake-42", "blueberry-pancake-42"),
    ("my passphrase is purple monkey dishwasher", "purple monkey dishwasher"),
    ("my passphrase is correct horse battery staple", "correct horse battery staple"),
    ("wifi key for the cabin is correcthorsebatterystaple", "correcthorsebatterystaple"),
    (f"the CI uses ghs_{F36} for the release job", f"ghs_{F36}"),
    ("Paid the boiler deposit, Visa 4539 1488 0343 6467 exp 09/28, CVV 331", "4539 1488 0343 6467"),
    ("Paid the boiler deposit, Visa 4539 1488 0343 6467 exp 09/28, CVV 331", "CVV 331"),
    ("hotel on the amex 3782-822463-10005, cvc: 4410", "3782-822463-10005"),
    ("The wifi password at Mum's flat is naranja2024 (router under the TV)", "naranja2024"),
    ("Mum's wifi: MOVISTAR_7A21, pass naranja2024", "naranja2024"),
    # what a fresh-eyes user found stored in plain text
    ("DB_PASS=hunter2xyz ./migrate", "hunter2xyz"),
    ('admin_pass = "Tr0ub4dorFake"', "Tr0ub4dorFake"),
    ("ssh root@10.0.0.5 with password Welcome123Fake!", "Welcome123Fake"),
    ('password = os.getenv("DB_PASSWORD", "devpass99")', "devpass99"),
    ("export SECRET_KEY=django-insecure-Fake8x9q2", "django-insecure-Fake8x9q2"),
    # a secret in prose inside quotes: the closing quote ends it, as a space does
    ('Note: "the wifi password is correcthorsebattery" said Ana', "correcthorsebattery"),
    ("echo 'my password is Tr0ub4dor3xFake'", "Tr0ub4dor3xFake"),
    ('Ana: "my passphrase is purple monkey dishwasher"', "purple monkey dishwasher"),
]

# Ordinary commands that must come through untouched.
BENIGN = [
    "git log --author=me --since=yesterday",
    "ls -la ~/src",
    "mkdir -p build/out && cd build/out",
    "ssh -p 2222 deploy@example.com",
    "docker run -p 8080:80 nginx",
    "cd $OLDPWD",
    "grep -rn 'TODO' src/",
    "python -m pytest -k token_parsing tests/",
    "git checkout -b feature/password-reset",
    "kubectl get secrets -n prod",
    "echo $PATH | tr : '\\n'",
    "make test",
    "curl https://example.com/docs/authentication",
    "the password is wrong again, reset it",
    "my password is too short for the new policy",
    "the password is stored in 1password",
    "ssh-keygen -t ed25519 -C key-for-github-actions-runner",
    "token expires in 3600 seconds",
    "git commit -m 'rotate the deploy key'",
    "the password is in the drawer by the door.",
    "My passphrase is the same as before.",
    "the password is unfortunately lost",
    "my account is fine / thanks",
    "the login page is at /login/form",
    "the pw is fine",
    "my password is wrong for some reason.",
    "the wifi password is not working anymore",
    'she said "the password is wrong".',
    'echo "the wifi password is in the drawer"',
    "Order 1234567890123456 shipped on Monday",
    "call +44 7700 900123 after six",
    "ISBN 978-0-14-028329-7",
    "pass the salt, and pass 1000 points",
    "the security code is on the back of the card",
    "the wifi password at the cabin is in the drawer",
    "OLDPWD=/home/me cd /srv",
    "export GITHUB_TOKEN_URL_DOCS=https://docs.github.com",
    "echo PASSWORD_RESET=true",
    "redis-cli -h cache ping",
    "openssl enc -aes-256-cbc -kfile key.txt -in a -out b",
    # where a secret is kept, not the secret: a file's path
    "export GOOGLE_APPLICATION_CREDENTIALS=$HOME/keys/sa.json",
    "credentials=${HOME}/.aws/creds aws s3 ls",
    "API_KEY_FILE=~/secrets/openai.txt python run.py",
    "export VAULT_TOKEN_PATH=/run/secrets/vault-token",
    # stand-ins for a secret, not secrets: references, masks, "put yours here"
    "export GITHUB_TOKEN=$GH_TOKEN",
    'mysql --password="${DB_PASSWORD}" shop',
    "export OPENAI_API_KEY=your_api_key_here",
    'const apiKey = "YOUR_API_KEY";',
    "SLACK_TOKEN=xoxb-your-slack-token",
    'curl -H "Authorization: Bearer <token>" https://api.example.com',
    'curl -d \'{"password": "********"}\' https://api.example.com/login',
    "helm install app --set db.password='{{ .Values.dbPassword }}'",
    "export API_KEY=...",
    # code pasted into a chat or a watched file: expressions and variables, not secrets
    "    password = request.form['password']",
    "hashed_password = generate_password_hash(password, method='sha256')",
    "new_user = User(username=username, password=hashed_password)",
    "new_user = User(username=username, password=hashed_password, email=email)",
    "password = PasswordField('Password', validators=[DataRequired()])",
    "password = db.Column(db.String(120), nullable=False)",
    "access_token = create_access_token(identity=user.id)",
    "api_key = os.environ['OPENAI_API_KEY']",
    "    password = None",
    "const apiKey = process.env.OPENWEATHER_API_KEY;",
    "const API_KEY = process.env.OPENWEATHER_API_KEY || 'YOUR_API_KEY';",
    "self.token = self.auth.token",
    "make bypass=1",
    "pytest --pass-through tests/",
    "sign in with password only, no passkeys",
    "DB_PASSWORD = os.getenv('DB_PASSWORD')",
    "const token = localStorage.getItem('token');",
    'return username == "user1" and password == expected',
    "r = client.get('/analytics', headers={'Authorization': 'Bearer valid_token'})",
    'print(f"Hashed password: {new_user.password_hash}")',
    '<label>Password: <input type="password" name="password"></label>',
]

# Found by a new user at a hooked prompt: forms the table once let through.
CORPUS += [
    ("echo ghp_abcdefghijklmnopqrstuvwxyz0123456789AB | gh auth login --with-token",
     "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB"),
    ("git push https://x7Rk2pQ9mZ4vB8nT1wY6cF3hJ5@example.com/me/r", "x7Rk2pQ9mZ4vB8nT1wY6cF3hJ5"),
    ("smbclient //srv/share -U me%SmbPass99", "SmbPass99"),
    ('ssh-keygen -q -N "correct horse battery" -f k', "correct horse battery"),
    ("7z a -pZipS3cret a.7z f", "ZipS3cret"),
    ("unzip -P ZipS3cret a.zip", "ZipS3cret"),
    ("sqlcmd -S srv -U sa -P Str0ngPass!", "Str0ngPass!"),
    ("xfreerdp /u:admin /p:Pa55word /v:host", "Pa55word"),
    ("http -a admin:Pa55word GET x", "Pa55word"),
    ("echo Str0ngPass! | sudo -S apt update", "Str0ngPass!"),
    ("vault login s.AbCdEfGhIjKlMnOpQrStUvWx", "s.AbCdEfGhIjKlMnOpQrStUvWx"),
    ("redis-cli -u redis://:Pa55word@localhost:6379", "Pa55word"),
]
# Notes a new user added with `recall add` and found stored (and `recall doctor` found clean) as written.
CORPUS += [
    # a variable's name, a space and its value (no = or :)
    ("AWS_SECRET_ACCESS_KEY wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("DB_PASSWORD hunter2xyz for the replica", "hunter2xyz"),
    # a bare 40-character AWS secret key, and a random token before the word that names it
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("backup job: wJalrXUtnFEMI+K7MDENG/bPxRfiCYEXAMPLE123 (rotated)", "wJalrXUtnFEMI+K7MDENG/bPxRfiCYEXAMPLE123"),
    ("wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY is the aws secret", "wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    # a "pass:" label
    ("Netflix login: me@example.com, pass: s3cr3tflix", "s3cr3tflix"),
    ("user bob pass: hunter22", "hunter22"),
    ("wifi HomeNet pass: 'blue fish 42'", "blue fish 42"),
    # session cookies, typed in a shell (found by a new user)
    ('curl -H "Cookie: session=abcdef0123456789abcdef" https://x.invalid', "abcdef0123456789abcdef"),
    ('curl -b "sessionid=8f14e45fceea167a5a36dedd4bea2543" https://x.invalid', "8f14e45fceea167a5a36dedd4bea2543"),
    ("curl --cookie=sid=Zq81LmYp3Rt7Vw2 https://x.invalid", "Zq81LmYp3Rt7Vw2"),
    # a secret's name followed by the form or copy of the value it holds
    ("SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("export SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("DB_PASSWORD_PROD=hunter2xyz ./migrate", "hunter2xyz"),
    ("export JWT_SECRET_SIGNING=Zx81q0LmYp3Rt7Vw2Nc5FAKE", "Zx81q0LmYp3Rt7Vw2Nc5FAKE"),
]
# Passwords a user typed to command-line tools and found stored as typed: given as an argument,
# or echoed into a program that reads one from stdin
CORPUS += [
    ("echo 'Hunter2Stdin' | passwd --stdin bob", "Hunter2Stdin"),
    ("echo 'bob:Hunter2xChpw!' | chpasswd", "Hunter2xChpw!"),
    ("ldapsearch -x -D cn=admin,dc=ex,dc=com -w LdapPw123 -b dc=ex,dc=com", "LdapPw123"),
    ("ldapmodify -x -D cn=admin,dc=ex,dc=com -w 'Ldap Mod Pw4' -f change.ldif", "Ldap Mod Pw4"),
    ("ldappasswd -x -D cn=admin,dc=ex -w LdapAdm5 -s LdapNewPw6 uid=bob,dc=ex", "LdapAdm5"),
    ("ldappasswd -x -D cn=admin,dc=ex -w LdapAdm5 -s LdapNewPw6 uid=bob,dc=ex", "LdapNewPw6"),
    ("sqlplus scott/TigerPw1@orcl", "TigerPw1"),
    ("sqlplus -s scott/TigerSilent2@orcl @report.sql", "TigerSilent2"),
    ("conn scott/TigerConn3", "TigerConn3"),
    ("keytool -storepass changeit123 -list", "changeit123"),
    ("keytool -genkeypair -alias app -keystore ks.jks -storepass KsStore8 -keypass KsKeyPw8", "KsKeyPw8"),
    ("keytool -importkeystore -srckeystore a.p12 -srcstorepass SrcStore9 -destkeystore b.jks "
     "-deststorepass DstStore9", "DstStore9"),
    ('echo "MyS3cretPhrase" | gpg --batch --passphrase-fd 0 -d f.gpg', "MyS3cretPhrase"),
    ("echo RegistryPw5 | docker login -u me --password-stdin registry.example.com", "RegistryPw5"),
]
# ... and the same programs used without a password on the line
BENIGN += ["passwd bob", "keytool -list -keystore ks.jks", "sqlplus /nolog", "ldapsearch -x -b dc=ex",
           "echo hello | wc -l", "gpg -d f.gpg"]
# Plain-word passwords after a label that can only name one (a new user found them stored as written);
# apart from CORPUS, whose secrets are looked for byte by byte in the database ("x" is everywhere)
PLAIN_PASSWORDS = [
    ("wifi pass: sunshine", "sunshine"),
    ("password: sunshine", "sunshine"),
    ("Password: correcthorse", "correcthorse"),
    ("my password is sunshine", "sunshine"),
    ("pw: x", "x"),
    ("login: bob pass: 12", "12"),
    ("SECRET_KEY_BASE: 3f8a9b2c7d6e5f4a3b2c1d0e9f8a7b6c", "3f8a9b2c7d6e5f4a3b2c1d0e9f8a7b6c"),
    # the value right after the word, as people jot it down (found by a new user)
    ("Netflix: login ana@example.com password BlueWhale77", "BlueWhale77"),
    ("Netflix password changed to BlueWhale77", "BlueWhale77"),
    ("new netflix pw BlueWhale77", "BlueWhale77"),
    ("db_password: HeredocSecret77", "HeredocSecret77"),
    ("client_secret: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
]
# ... and what must stay as written next to them
BENIGN += [
    "curl -b cookies.txt -c cookies.txt https://example.com", "the cookie: chocolate chip, from the tin",
    "I passed the exam", "pass the salt", "the pass: Glenshee", "Boarding pass: 14:05", "bus pass: 2024-25",
    "ski pass: six days", "compass: north by north-east",
    "git show 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a",
    "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a fixed the token refresh",
    "see /home/me/src/Project2/lib/Widgets/Buttons",
    "grep -rn API_KEY src/app.py", "unset AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
    "docker run -e DB_PASSWORD -e DB_USER app", "GITHUB_TOKEN (required) is read at start",
    "the GITHUB_TOKEN expired", "export TOKEN_URL=https://auth.example.com/token",
    "API_KEY_NAME=weather-service ./run",
    # a flag after "pass" is an instruction (and an error message says it so)
    "cannot tell the format; pass --format (jsonl, markdown)", "nothing on stdin; pass --text or pipe it",
    "pass: --dry-run first",
]
BENIGN += ["7z x archive.7z", "zip -r out.zip dir", "unzip -l a.zip", "echo hi | sudo tee /etc/x",
           "http GET example.com", "ssh-keygen -t ed25519 -f k", 'ssh-keygen -q -N "" -f k',
           "git clone https://github.com/me/repo", "ssh git@github.com", "vault status"]
BENIGN += ["Ticket for the laptop repair is 9a426555-4429-485d-8481-b1ae708dea10"]  # a UUID: no card inside
# ordinary sentences around the word: no label, or no value after it
BENIGN += ["I passed the exam", "forgot my password again", "password reset link sent",
           "the password manager is 1Password", "my password was changed.", "password: str",
           "the password is unfortunately lost", "TOKEN_URL: https://auth.example.com/token",
           "I use a password manager now", "password reset link expires 2025-06-01", "ran pwd and ls",
           "passwd deploy", "the pw 2024-25 bus pass", "db_password: str"]

# Values that look like stand-ins but may be real: still redacted.
NEAR_PLACEHOLDERS = [
    ("export API_KEY=my_api_key", "my_api_key"),
    ("export PASSWORD=follow-your-heart", "follow-your-heart"),
    ("export API_KEY=yourpassword", "yourpassword"),
    ("mysql --password=changeme shop", "changeme"),
    ("password=xxx123 ./run", "xxx123"),
    ("curl -d token=xoxb-123456789012-FAKEfakeFAKE https://slack.com/api/x", "xoxb-123456789012-FAKEfakeFAKE"),
    # literals in code may be real, and a shell assignment's value is always a literal
    ('password = "mysecretFake9"', "mysecretFake9"),
    ("conn = connect(user='app', password='FakeConnPw1')", "FakeConnPw1"),
    ("export PASSWORD=hashed_password", "hashed_password"),
    # a token that opens with "/" and has more slashes is no path
    ("export AWS_SECRET_ACCESS_KEY=/K7MDENG/bPxRfiCYfakeKEY", "/K7MDENG/bPxRfiCYfakeKEY"),
    ("password=/tmp1/x9", "/tmp1/x9"),
    ("curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyzabcd' https://api.example.com",
     "abcdefghijklmnopqrstuvwxyzabcd"),
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=[f"{p.name}-{i}" for i, p in enumerate(PATTERNS)])
def test_every_pattern_redacts_its_example(pattern):
    result = redact(pattern.example)
    assert pattern.secret not in result.text
    assert f"[REDACTED:{pattern.name}]" in result.text
    assert pattern.name in result.names


def test_the_table_covers_every_family_the_issue_lists():
    names = {p.name for p in PATTERNS}
    for family in ("aws-access-key-id", "aws-secret-key", "gcp-api-key", "azure-storage-key", "github-token",
                   "gitlab-token", "slack-token", "stripe-key", "openai-key", "anthropic-key", "twilio-api-key",
                   "sendgrid-key", "npm-token", "jwt", "pem-private-key", "password-arg", "secret-assignment",
                   "url-credentials", "auth-header", "vault-token", "docker-pat", "pypi-token",
                   "azure-shared-access-key", "password-prose", "high-entropy-token"):
        assert family in names


@pytest.mark.parametrize("command,secret", CORPUS, ids=[c[:40] for c, _ in CORPUS])
def test_corpus_secret_is_redacted(command, secret):
    result = redact(command)
    assert secret not in result.text, result.text
    assert "[REDACTED:" in result.text


@pytest.mark.parametrize(("command", "secret"), NEAR_PLACEHOLDERS)
def test_a_value_that_only_looks_like_a_placeholder_is_still_redacted(command, secret):
    assert secret not in redact(command).text


@pytest.mark.parametrize("command", BENIGN)
def test_ordinary_commands_are_left_alone(command):
    assert redact(command).text == command


def test_needle_prefilter_never_changes_the_result():
    """Patterns are only tried when one of their needles occurs; trying all gives the same text."""
    texts = [c for c, _ in CORPUS] + BENIGN + [p.example for p in PATTERNS]
    for text in texts:
        assert redact(text).text == redact(text, eager=True).text, text


def test_redaction_is_idempotent_and_keeps_flags_and_quotes():
    once = redact("mysqldump --password='Fake Pw' db").text
    assert once == "mysqldump --password='[REDACTED:password-arg]' db"
    assert redact(once).text == once
    assert redact("psql postgres://app:FakePw@db/app").text == "psql postgres://app:[REDACTED:url-credentials]@db/app"


def test_a_password_in_a_url_after_a_flag_keeps_the_host():
    assert (redact("redis-cli -u redis://:Pa55word@localhost:6379").text
            == "redis-cli -u redis://:[REDACTED:url-credentials]@localhost:6379")


def test_a_password_attached_to_a_short_flag_takes_only_itself():
    # mysql's -p takes the password glued to it; the next word is the database, not a value
    assert redact("mysql -u root -psecret mydb").text == "mysql -u root -p[REDACTED:password-short-arg] mydb"
    assert redact("PGPASSWORD=hunter2 psql -h db").text == "PGPASSWORD=[REDACTED:secret-assignment] psql -h db"


def test_long_adversarial_input_stays_linear():
    """Regexes that backtrack quadratically take minutes on 70 kB; these take well under a second."""
    import time

    n = 70_000
    started = time.perf_counter()
    for text in ["a." * n, "-a" * n, "x" * n, '"a"' * n, "a:" * n, "x://" + "a" * n, "mysql " * 10_000,
                 "set -x " * 10_000, "export A" + "_" * n + "=", "--token" * 10_000]:
        redact(text + " [REDACTED:github-token] password token key auth @ :// -----BEGIN PRIVATE KEY-----",
               eager=True)
    assert time.perf_counter() - started < 30


def test_a_cut_off_private_key_is_still_redacted():
    text = "echo '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANFAKEFAKEFAKE"
    assert "MIIEvQ" not in redact(text).text


def test_corpus_never_reaches_the_spool_or_the_database(svc, recall_home):
    assert len(CORPUS) >= 60
    for i, (command, _secret) in enumerate(CORPUS):
        args = record.Args()
        args.command, args.shell, args.status, args.cwd = command, "bash", 0, "/home/me/src"
        args.start, args.end, args.session = 1_790_000_000.0 + i, 1_790_000_000.5 + i, "corpus"
        assert record.record(args) is not None
    spool_bytes = (recall_home / "spool" / "events.jsonl").read_bytes()
    report = ingest(svc)
    assert report.inserted == len(CORPUS) and report.quarantined == 0
    svc.close()
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    leftovers = b"".join(p.read_bytes() for p in (recall_home / "spool").glob("*") if p.is_file())
    for _command, secret in CORPUS:
        needle = secret.encode()
        assert needle not in spool_bytes, secret
        assert needle not in stored, secret
        assert needle not in leftovers, secret
    # the commands themselves are still there, with the names of what was cut out
    svc2_rows = None
    from recall_cli.config import load_config
    from recall_cli.store.db import open_store

    store = open_store(load_config(recall_home).db_path)
    try:
        svc2_rows = [dict(r) for r in store._db.query("SELECT text, meta FROM events ORDER BY ts_start")]
    finally:
        store.close()
    assert len(svc2_rows) == len(CORPUS)
    assert all(re.search(r"\[REDACTED:[a-z0-9-]+\]", row["text"]) for row in svc2_rows)
    assert svc2_rows[0]["text"] == "export AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id]"


@pytest.mark.parametrize(("text", "secret"), [
    ("wifi at the cabin: network Pinhal, password pinhal2026! and the gas is on", "pinhal2026!"),
    ("Sent Rui the password hunter2 for the shared Netflix", "hunter2"),
])
def test_a_password_written_right_after_the_word_in_a_sentence_is_redacted_and_the_rest_kept(text, secret):
    result = redact(text)
    assert secret not in result.text and result.names == ["password-prose"]
    before, after = text.split(secret)
    assert result.text == f"{before}[REDACTED:password-prose]{after}"


@pytest.mark.parametrize(("text", "secret"), PLAIN_PASSWORDS)
def test_a_plain_word_or_short_password_after_its_label_is_redacted(text, secret):
    result = redact(text)
    assert result.text.startswith(text[: text.rindex(secret)]) and secret not in result.text[text.rindex(secret):]
    assert result.text.endswith("]") and "[REDACTED:" in result.text


@pytest.mark.parametrize(("text", "secret"), [
    ("the wifi password is Summer2024!", "Summer2024!"),  # the sign a password policy asks for goes too
    ("wifi password: Summer2024!!", "Summer2024!!"),
    ("my password is summer 2024", "summer 2024"),
    ("my password is blue horse 77", "blue horse 77"),
    ("the gate code is 4471", "4471"),
    ("garage code is 8812, the key safe code is 1066", "8812"),
])
def test_a_password_with_its_symbols_words_with_a_number_or_a_gate_code_is_redacted_whole(text, secret):
    assert secret not in redact(text).text and "[REDACTED:" in redact(text).text


@pytest.mark.parametrize("text", ["my password is 8 characters long", "the password is too short",
                                  "password is fine, I changed it last week"])
def test_a_sentence_about_a_password_that_gives_none_is_kept(text):
    assert redact(text).text == text


@pytest.mark.parametrize(("pattern", "text"), [(p, k) for p in PATTERNS for k in p.keep],
                         ids=[f"{p.name}-{k[:30]}" for p in PATTERNS for k in p.keep])
def test_every_patterns_near_misses_are_left_as_written(pattern, text):
    assert redact(text).text == text


# Everyday ways of writing a password down that a new user found stored as written
NOTED_PASSWORDS = [
    ("| service | user | password |\n|---|---|---|\n| router | admin | Kettle!Blue99 |\n"
     "| printer | admin | Tuesday$Moon7 |", ["Kettle!Blue99", "Tuesday$Moon7"]),
    ("site | login | pass\n--- | --- | ---\nbank | me@example.com | Sunny-Day-42", ["Sunny-Day-42"]),
    ("I changed my Netflix password to Moonlight2024 yesterday.", ["Moonlight2024"]),
    ("Wifi: HomeNet / Moonlight2024", ["Moonlight2024"]),
    ("Password - Moonlight2024", ["Moonlight2024"]),
    ("passwd Moonlight2024", ["Moonlight2024"]),
    ("Passwort: Moonlight2024", ["Moonlight2024"]),
    ("mot de passe: Moonlight2024", ["Moonlight2024"]),
    ("mot de passe : soleil", ["soleil"]),
]


@pytest.mark.parametrize(("text", "secrets"), NOTED_PASSWORDS, ids=[t[:30] for t, _ in NOTED_PASSWORDS])
def test_a_password_written_down_in_a_table_a_dash_label_or_another_language_is_redacted(text, secrets):
    result = redact(text)
    assert not [s for s in secrets if s in result.text], result.text
    assert "[REDACTED:" in result.text


def test_a_table_keeps_every_column_but_its_password_one():
    text = "| service | user | password |\n|:--|---|---|\n| router | admin | Kettle!Blue99 |\n| printer | - | - |"
    assert redact(text).text == ("| service | user | password |\n|:--|---|---|\n"
                                 "| router | admin | [REDACTED:password-table] |\n| printer | - | - |")


def test_an_accounts_note_reaches_neither_the_store_nor_search(cli, recall_home, tmp_path):
    note = tmp_path / "accounts.md"
    note.write_text("# Accounts\n\n" + "\n\n".join(text for text, _ in NOTED_PASSWORDS[:5]) + "\n", encoding="utf-8")
    code, _out, err = cli("import", str(note))
    assert code == 0, err
    found = cli("search", "router password", "--json")[1]
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    for secret in ("Kettle!Blue99", "Tuesday$Moon7", "Sunny-Day-42", "Moonlight2024"):
        assert secret not in found and secret.encode() not in stored
