"""Shared fixtures: a fresh store in a temporary folder, and hand-made 903 files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from selfeval.schema import SSDA903
from selfeval.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


SLOWEST_FIRST = (
    "test_engines.py",
    "test_web_browser.py",
    "test_reports.py",
    "test_demo.py",
    "test_crash_safety.py",
    "test_reconcile.py",
    "test_synth_validators.py",
    "test_synth.py",
    "test_web.py",
    "test_web_permissions.py",
    "test_validation.py",
    "test_children.py",
    "test_benchmarks.py",
    "test_web_postgres.py",
    "test_web_authorities.py",
    "test_basis_property.py",
    "test_ingest_years.py",
    "test_fuzz.py",
    "test_merge.py",
    "test_cli.py",
    "test_security.py",
    "test_quality_cli.py",
    "test_ingest_folder.py",
    "test_readiness.py",
    "test_indicator_properties.py",
    "test_ingest_validation.py",
    "test_web_children.py",
    "test_store_migrations.py",
    "test_ssd.py",
    "test_web_region.py",
    "test_engagement.py",
    "test_ingest.py",
    "test_indicators_threads.py",
    "test_layers.py",
    "test_looked_after.py",
)
"""The files that take longest, run first: ``make test`` hands whole files to two processes as
they come free (``--dist loadfile --no-loadscope-reorder``), so a long file started last would
leave one process waiting for the other; every file of four seconds or more is named, so that
the run ends on files of a second or two. Ordered by each file's time in a full run
(`pytest -n 2`, 3 December 2026, 07:00, CI's settings: Spark 101 s, the browser 95 s, the
reports 59 s, the demo 57 s, ...)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: else as collected


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'selfeval.db'}")
    yield s
    s.engine.dispose()


# -- one synthetic authority for the session ---------------------------------------------------

SYNTHETIC_LA = "999"
SYNTHETIC_YEARS = range(2019, 2021)
SYNTHETIC_CHILDREN = 600
SYNTHETIC_SEED = 5


@pytest.fixture(scope="session")
def synthetic_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``selfeval synth`` writes for authority 999 (about 600 children, 2018/19 and
    2019/20, seed 5): every return and the quality workbooks. Written once per session (per
    test process); tests read it and never change it (copy it to change it)."""
    from selfeval.synth import QUALITY, RETURNS, AuthorityConfig, synthesise

    out = tmp_path_factory.mktemp("synthetic")
    cfg = AuthorityConfig(
        la_code=SYNTHETIC_LA,
        children=SYNTHETIC_CHILDREN,
        years=SYNTHETIC_YEARS,
        seed=SYNTHETIC_SEED,
    )
    synthesise(out, cfg, returns=(*RETURNS, QUALITY))
    return out


@pytest.fixture(scope="session")
def synthetic_store(synthetic_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding every return of ``synthetic_folder`` (903, CIN, Annex A, workforce, SSD),
    loaded once per session as an analyst would. Tests only read it."""
    from selfeval.demo import ingest_synthetic

    folder = tmp_path_factory.mktemp("synthetic-store")
    s = Store(f"sqlite:///{folder / 'selfeval.db'}")
    ingest_synthetic(s, synthetic_folder, SYNTHETIC_YEARS, SYNTHETIC_LA, validate_ssd=False)
    yield s
    s.engine.dispose()


def write_903_table(path: Path, table: str, rows: list[dict[str, str]]) -> Path:
    """A 903 CSV with the table's exact DfE header; missing fields are blank."""
    fields = SSDA903[table].fields
    lines = [",".join(fields)]
    lines += [",".join(r.get(f, "") for f in fields) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_903_children(
    folder: Path, episodes: list[dict[str, str]], sex: str = "1", dob: str = "01/01/2010"
) -> list[Path]:
    """A 903's header (each child of ``episodes`` once, all of one ``sex`` and ``dob``) and
    its episodes, as header.csv and episodes.csv in ``folder``."""
    children = dict.fromkeys(e["CHILD"] for e in episodes)
    header = [{"CHILD": c, "SEX": sex, "DOB": dob} for c in children]
    return [
        write_903_table(folder / "header.csv", "ssda903_header", header),
        write_903_table(folder / "episodes.csv", "ssda903_episodes", episodes),
    ]


def write_cin_xml(
    path: Path,
    children: int,
    *,
    seed: int = 1,
    lea: str = "336",
    reference_date: str = "2024-03-31",
    reviews_per_plan: int = 1,
) -> Path:
    """A synthetic CIN census XML in DfE's layout (the pattern of cin_validator's fake data):
    every block and optional element appears in some children and not others."""
    import random
    from datetime import date, timedelta

    rnd = random.Random(seed)
    end = date.fromisoformat(reference_date)

    def day(lo: int, hi: int) -> str:
        return (end - timedelta(days=rnd.randint(lo, hi))).isoformat()

    def el(tag: str, text: object) -> str:
        return f"<{tag}>{text}</{tag}>"

    out = [
        "<Message><Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{end.year - 1}</Year><ReferenceDate>{reference_date}</ReferenceDate>"
        "</CollectionDetails><Source><SourceLevel>L</SourceLevel>"
        f"<LEA>{lea}</LEA><SoftwareCode>selfeval tests</SoftwareCode><Release>1</Release>"
        "<SerialNo>001</SerialNo><DateTime>2024-05-01T10:00:00</DateTime></Source></Header>"
        "<Children>"
    ]
    for i in range(children):
        c = ["<Child><ChildIdentifiers>", el("LAchildID", f"C{i:07d}")]
        if rnd.random() < 0.8:
            c.append(el("UPN", f"A{rnd.randint(10**11, 10**12 - 1)}0"))
        else:
            c.append(el("UPNunknown", "UN3"))
        c.append(el("PersonBirthDate", day(400, 6000)))
        c.append(el("Sex" if rnd.random() < 0.5 else "GenderCurrent", rnd.choice("1290")))
        c.append("</ChildIdentifiers><ChildCharacteristics>")
        c.append(el("Ethnicity", rnd.choice(["WBRI", "APKN", "BAFR", "MWBC", "NOBT"])))
        if rnd.random() < 0.2:
            dis = rnd.sample(["HAND", "HEAR", "VIS", "LD", "AUT"], rnd.randint(1, 3))
            c.append("<Disabilities>" + "".join(el("Disability", d) for d in dis))
            c.append("</Disabilities>")
        c.append("</ChildCharacteristics>")
        for _ in range(rnd.choice([1, 1, 1, 2, 3])):
            c.append("<CINdetails>")
            c.append(el("CINreferralDate", day(10, 700)))
            c.append(el("ReferralSource", rnd.choice(["1A", "2A", "3A", "5C", "6"])))
            c.append(el("PrimaryNeedCode", rnd.choice(["N1", "N2", "N4", "N8"])))
            if rnd.random() < 0.4:
                c.append(el("CINclosureDate", day(0, 9)))
                c.append(el("ReasonForClosure", rnd.choice(["RC1", "RC2", "RC8"])))
            if rnd.random() < 0.2:
                c.append(el("DateOfInitialCPC", day(5, 300)))
            for _ in range(rnd.choice([0, 1, 1, 2])):
                c.append("<Assessments>")
                c.append(el("AssessmentActualStartDate", day(5, 300)))
                if rnd.random() < 0.7:
                    c.append(el("AssessmentAuthorisationDate", day(0, 4)))
                n = rnd.choice([0, 1, 2, 3])
                if n:
                    factors = rnd.sample(["1C", "2B", "3A", "4B", "21", "6B", "RB"], n)
                    c.append("<FactorsIdentifiedAtAssessment>")
                    c.append("".join(el("AssessmentFactors", f) for f in factors))
                    c.append("</FactorsIdentifiedAtAssessment>")
                c.append("</Assessments>")
            for _ in range(rnd.choice([0, 0, 1, 2])):
                c.append("<CINPlanDates>" + el("CINPlanStartDate", day(20, 300)))
                if rnd.random() < 0.5:
                    c.append(el("CINPlanEndDate", day(0, 19)))
                c.append("</CINPlanDates>")
            for _ in range(rnd.choice([0, 0, 1])):
                c.append("<Section47>" + el("S47ActualStartDate", day(30, 300)))
                c.append(el("InitialCPCtarget", day(15, 29)))
                if rnd.random() < 0.5:
                    c.append(el("DateOfInitialCPC", day(0, 14)))
                c.append(el("ICPCnotRequired", rnd.choice(["true", "false"])) + "</Section47>")
            c.append(el("ReferralNFA", rnd.choice(["0", "1", "false"])))
            for _ in range(rnd.choice([0, 0, 0, 1, 2])):
                c.append("<ChildProtectionPlans>" + el("CPPstartDate", day(100, 800)))
                if rnd.random() < 0.5:
                    c.append(el("CPPendDate", day(0, 99)))
                c.append(el("InitialCategoryOfAbuse", rnd.choice(["PHY", "NEG", "EMO"])))
                c.append(el("LatestCategoryOfAbuse", rnd.choice(["PHY", "NEG", "EMO"])))
                c.append(el("NumberOfPreviousCPP", rnd.randint(0, 3)))
                c.append("<Reviews>")
                c.append("".join(el("CPPreviewDate", day(0, 99)) for _ in range(reviews_per_plan)))
                c.append("</Reviews></ChildProtectionPlans>")
            c.append("</CINdetails>")
        c.append("</Child>")
        out.append("".join(c))
    out.append("</Children></Message>\n")
    path.write_text("\n".join(out))
    return path


def store_snapshot(store: Store) -> tuple:
    """Every row of the store's database and every file (path, size, SHA-256) of its folder."""
    import hashlib

    import sqlalchemy as sa

    from selfeval.store import db

    with store.engine.connect() as c:
        rows = {
            t.name: sorted((tuple(r) for r in c.execute(sa.select(t))), key=repr)
            for t in db.metadata.sorted_tables
        }
    files = sorted(
        (
            str(p.relative_to(store.data_dir)),
            p.is_dir(),
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "",
        )
        for p in store.data_dir.rglob("*")
    )
    return rows, files


def count_loads(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """A list that gains, from now on, the authority asked for at each reading of the store's
    loads (``Store.loads``)."""
    calls: list[str | None] = []
    real = store.loads

    def loads(la_code: str | None = None):  # type: ignore[no-untyped-def]
        calls.append(la_code)
        return real(la_code)

    monkeypatch.setattr(store, "loads", loads)
    return calls


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``selfeval ARGS`` in this process: (exit code, stdout, stderr)."""
    from selfeval.cli import main

    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    else:
        code = 0
    out = capsys.readouterr()
    return code, out.out, out.err


# -- the web application ------------------------------------------------------------------------

WEB_PASSWORD = "a long test password 4 selfeval"
HANDMADE_CHILDREN = ("WEBCHILD01", "WEBCHILD02", "WEBCHILD03", "WEBCHILD04")


def handmade_903(folder: Path) -> list[Path]:
    """A 2019/20 return of four children; at 31 March 2020 three are looked after.

    WEBCHILD01 open since June 2019                        -> counts
    WEBCHILD02 open since 2018, moved in January 2020      -> counts once
    WEBCHILD03 started on 31/03/2020                       -> counts
    WEBCHILD04 ceased on 31/03/2020 (ends on the date)     -> does not count
    """
    folder.mkdir(parents=True, exist_ok=True)
    a, b, c, d = HANDMADE_CHILDREN
    ep = {"RNE": "S", "LS": "C2", "PLACE": "U1"}
    return write_903_children(
        folder,
        [
            {"CHILD": a, "DECOM": "01/06/2019", **ep},
            {"CHILD": b, "DECOM": "01/05/2018", **ep, "DEC": "15/01/2020", "REC": "X1"},
            {"CHILD": b, "DECOM": "15/01/2020", "RNE": "P", "LS": "C2", "PLACE": "U4"},
            {"CHILD": c, "DECOM": "31/03/2020", **ep},
            {"CHILD": d, "DECOM": "01/05/2019", **ep, "DEC": "31/03/2020", "REC": "E11"},
        ],
        dob="01/01/2012",
    )


@pytest.fixture
def web_store(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    """An empty store that the web app's pages read (Django's own tables are the test DB)."""
    from django.core.cache import cache

    from selfeval.web.store import forget_stores

    settings.SELFEVAL_DB = f"sqlite:///{tmp_path / 'web-store.db'}"
    cache.clear()
    forget_stores()
    from selfeval.web.store import get_store

    yield get_store()
    forget_stores()
    cache.clear()


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at its smallest cost (about a millisecond, not half a second of CPU per hash):
    the web tests sign in and guess passwords dozens of times. The production setting is
    tested on its own (``test_passwords_are_hashed_with_argon2``)."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing(django_test_environment):  # type: ignore[no-untyped-def]
    """Passwords hashed by QuickArgon2PasswordHasher in this process (servers the tests start
    keep the production setting); a hash made with the production parameters still checks."""
    from django.test.utils import override_settings

    from selfeval.web import settings as production

    quick = f"{__name__}.{QuickArgon2PasswordHasher.__name__}"
    with override_settings(PASSWORD_HASHERS=[quick, *production.PASSWORD_HASHERS]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_indexed_once():  # type: ignore[no-untyped-def]
    """WhiteNoise indexes the static files (stat, headers, compressed variants: about 15 ms of
    CPU) whenever its middleware is made: once per process in production, but once per
    Django test ``Client`` here, and the web tests make hundreds. Indexed once per process
    for the same files (path, size, time) and settings; another set is indexed afresh."""
    import os

    from django.conf import settings
    from django.contrib.staticfiles import finders
    from whitenoise.middleware import WhiteNoiseMiddleware

    index = WhiteNoiseMiddleware.add_files_from_finders
    indexed: dict[tuple, dict] = {}

    def once(self):  # type: ignore[no-untyped-def]
        listed = sorted(
            (path, storage.path(path))
            for finder in finders.get_finders()
            for path, storage in finder.list(None)
        )
        key = (
            self.static_prefix,
            self.max_age,
            self.charset,
            self.allow_all_origins,
            tuple(settings.INSTALLED_APPS),
            tuple(settings.STATICFILES_DIRS),
            tuple(
                (p, full, os.stat(full).st_size, os.stat(full).st_mtime_ns) for p, full in listed
            ),
        )
        if key not in indexed:
            before = dict(self.files)
            index(self)
            indexed[key] = {u: f for u, f in self.files.items() if before.get(u) is not f}
        self.files.update(indexed[key])

    WhiteNoiseMiddleware.add_files_from_finders = once
    yield
    WhiteNoiseMiddleware.add_files_from_finders = index


@pytest.fixture
def role_client(db):  # type: ignore[no-untyped-def]
    """``role_client(role)``: a Django test client signed in as a new account of that role
    (which may see every authority; ``tests/test_web_authorities.py`` tests limited ones)."""
    from django.test import Client

    from selfeval.web.models import User

    def make(role: str) -> Client:
        user, _ = User.objects.get_or_create(
            username=f"test-{role}", defaults={"role": role, "all_authorities": True}
        )
        c = Client()
        c.force_login(user)
        return c

    return make


def require_service(env_var: str, what: str) -> str:
    """The service's address from ``env_var``: skip when absent locally, fail in CI."""
    import os

    value = os.environ.get(env_var)
    if not value:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is needed in CI but {env_var} is not set")
        pytest.skip(f"{what} is not available here ({env_var} is not set)")
    return value


@contextmanager
def new_pg_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server (SELFEVAL_TEST_PG), dropped after.

    The drop is tried again for a few seconds: an autovacuum worker may be in the new database
    at that moment, and ``DROP ... WITH (FORCE)`` may not end it for a role that is not a member
    of ``pg_signal_backend`` (.ci/services/postgres.sh grants it; a local server may not)."""
    import time
    import uuid

    import sqlalchemy as sa

    base = sa.make_url(require_service("SELFEVAL_TEST_PG", "PostgreSQL"))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        for attempt in range(20):
            try:
                with admin.connect() as c:
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except sa.exc.DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.5)
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def validators() -> Path:
    """The validators' environment (created on first use). Skips locally if it cannot be
    made; in CI (CI=true) that is a failure, as the validator tests must run there."""
    import os

    from selfeval.validation import environment

    try:
        return environment.python()
    except environment.ValidatorEnvironmentError as e:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"DfE's validators are not available here: {e}")
