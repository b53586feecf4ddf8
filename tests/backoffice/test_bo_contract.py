"""The reference back office against its OpenAPI document (``backoffice/openapi.yaml``).

Schemathesis generates requests from the document (valid ones and, for the
negative checks, invalid ones) and sends them over real HTTP to the reference
server on loopback (:class:`~backoffice.server.EmbeddedBackOffice`), on SQLite
and on the session's private PostgreSQL. Every request goes through
:class:`SigningAuth`, the hook that signs it like a kiosk does
(:func:`kiosk.signing.signed_headers` over the exact bytes sent), gives a write
a fresh ``Idempotency-Key`` and a citizen operation a live bearer token from a
demo session, except for the header a negative case deliberately breaks.

Every answer must: not be a 5xx, have a documented status code and content
type, match its response schema (the error shape and its code enum included),
carry the documented headers; invalid input must be refused with a 4xx, valid
input must not be refused as invalid (400), a missing required header must be
refused, an undocumented method must be 405.

Around the generated tests, plain tests keep the document and the server in
step: every route the server has is documented, every documented operation is
served, every error code the server can emit is in the enum, every write takes
an ``Idempotency-Key``, every signed operation refuses an unsigned request.

Bounded: a few examples per operation (``SSC_CONTRACT_EXAMPLES``, default 10)
and a per-example deadline; the whole file runs in well under a minute.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from backoffice.app import create_app
from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.errors import STATUS_OF
from backoffice.server import EmbeddedBackOffice
from kiosk import signing
from kiosk.ssn import check_digit
from tests.support import demo_citizen
from tests.support.postgres import postgres_server  # noqa: F401  (a fixture)

SPEC_PATH = Path(__file__).resolve().parents[2] / "backoffice" / "openapi.yaml"
CONTRACT_MD = Path(__file__).resolve().parents[3] / "shared" / "spec" / "backoffice-api.md"
MAX_EXAMPLES = int(os.environ.get("SSC_CONTRACT_EXAMPLES", "10"))
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: the unsigned endpoints: liveness and this document; the operator's metrics and fleet page
PUBLIC_PATHS = {"/v1/health", "/v1/openapi.yaml", "/metrics", "/fleet"}
SIGNATURE_HEADERS = (signing.KIOSK_ID_HEADER, signing.TIMESTAMP_HEADER,
                     signing.SIGNATURE_HEADER)
#: documented operations left out of fuzzing (by operationId): shifting the business
#: clock at random would expire every card authentication and session of the run, and an
#: injected fault would make the next requests answer 500
NOT_FUZZED = {"setTestClock", "setTestFaults"}
#: fields whose allowed values come from the jurisdiction's rule pack, not the document:
#: a valid-by-the-document value may be answered 400 VALIDATION_FAILED naming that field
PACK_DEPENDENT_FIELDS = {
    ("POST", "/v1/me/card/loss"): {"duration"},
    ("POST", "/v1/me/renewals"): {"reason", "mailing_address", "photo_jpeg_b64"},
}
#: fields with a format whose rules a pattern cannot say (a check digit, a real day,
#: a decodable JPEG...): the coverage phase builds their boundary values from the
#: pattern alone, so there a 400 naming them is no contradiction; fuzzing uses the
#: format generators below and must get them accepted
SEMANTIC_FORMAT_FIELDS = {"ssn", "image_jpeg_b64", "photo_jpeg_b64", "id_valid_until",
                          "address", "mailing_address"}

SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


# --- formats the document names, with generators of valid values ------------------------

def _ssn() -> st.SearchStrategy[str]:
    def build(region: int, born: dt.date, serial: int) -> str:
        first17 = f"{region:06d}{born:%Y%m%d}{serial:03d}"
        return first17 + check_digit(first17)

    return st.builds(build, st.integers(110000, 659999),
                     st.dates(dt.date(1900, 1, 1), dt.date(2024, 12, 31)),
                     st.integers(0, 999))


def _jpegs() -> list[str]:
    from PIL import Image

    out = []
    for size, colour in (((8, 8), "white"), ((32, 40), (200, 180, 160))):
        buf = io.BytesIO()
        Image.new("RGB", size, colour).save(buf, "JPEG", quality=80)
        out.append(base64.b64encode(buf.getvalue()).decode("ascii"))
    return out


_ADDRESS_CHARS = st.characters(categories=["Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Zs"],
                               exclude_characters="\u3000")
schemathesis.openapi.format("ssn", _ssn())
schemathesis.openapi.format("jpeg-base64", st.sampled_from(_jpegs()))
schemathesis.openapi.format("id-valid-until", st.one_of(
    st.just("长期"),
    st.dates(dt.date.today() + dt.timedelta(days=2), dt.date(2099, 12, 31))
    .map(dt.date.isoformat)))
schemathesis.openapi.format("postal-address", st.text(_ADDRESS_CHARS, min_size=1, max_size=60)
                            .filter(lambda a: a.strip() == a and a.strip()))

SCHEMA_CONFIG = SchemathesisConfig.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES},
    "checks": {
        # a 4xx of any kind is a refusal (a 409 for a key reused, a 429 for a limit...)
        "negative_data_rejection": {"expected-statuses": ["4xx"]},
    },
})
schema = schemathesis.openapi.from_path(str(SPEC_PATH), config=SCHEMA_CONFIG) \
    .exclude(operation_id=sorted(NOT_FUZZED))

CHECKS = [getattr(schemathesis.checks, name) for name in (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
)]


def documented_operations() -> list[tuple[str, str]]:
    ops = []
    for path, item in SPEC["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                ops.append((method.upper(), path))
    return ops


def needs_bearer(method: str, path: str) -> bool:
    op = SPEC["paths"][path][method.lower()]
    security = op.get("security", SPEC.get("security", []))
    return any("sessionToken" in requirement for requirement in security)


def is_signed(method: str, path: str) -> bool:
    op = SPEC["paths"][path][method.lower()]
    security = op.get("security", SPEC.get("security", []))
    return any("signature" in requirement for requirement in security)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def served_operations(app) -> set[tuple[str, str]]:
    """The documented operations the app has a route for."""
    from werkzeug.exceptions import HTTPException

    adapter = app.url_map.bind("localhost")
    served = set()
    for method, path in documented_operations():
        try:
            adapter.match(_concrete(path), method=method)
        except HTTPException:
            continue
        served.add((method, path))
    return served


# --- the signing hook ----------------------------------------------------------------------

def _negated_headers(case) -> set[str] | None:
    """Lowercase names of the headers a negative case breaks on purpose.

    ``None``: the headers are broken but schemathesis does not say which; then
    none is repaired (the request goes out as generated).
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return set()
    component = meta.components.get(ParameterLocation.HEADER)
    if component is None or not component.mode.is_negative:
        return set()
    data = meta.phase.data
    names = set()
    if data.parameter_location == ParameterLocation.HEADER and data.parameter:
        names.add(data.parameter.lower())
    for mutation in getattr(data, "mutations", ()) or ():
        if mutation.parameter_location == ParameterLocation.HEADER and mutation.parameter:
            names.add(mutation.parameter.lower())
    return names or None


class SigningAuth(requests.auth.AuthBase):
    """Signs a generated request like a kiosk; repairs everything but what the case breaks.

    - ``X-Kiosk-Id``/``X-Timestamp``/``X-Signature``: a valid signature over the
      method, the path with query exactly as sent and the exact body bytes;
    - ``Idempotency-Key`` on a write: a fresh UUID (so no two examples share one);
    - ``Authorization`` on a citizen operation: ``Bearer`` + a live session token.

    A header that the negative case removed or spoiled on purpose goes out as
    the case has it (or not at all), so the server's refusal is what is tested.
    """

    def __init__(self, case, token: str | None):
        self.case = case
        self.token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        case = self.case
        negated = _negated_headers(case)
        generated = {k.lower(): v for k, v in (case.headers or {}).items()}
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        repaired = dict(signing.signed_headers(DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                                               r.method or "GET", r.path_url, bytes(body)))
        if (r.method or "").upper() in WRITE_METHODS:
            repaired[signing.IDEMPOTENCY_KEY_HEADER] = str(uuid.uuid4())
        if self.token:
            repaired["Authorization"] = f"Bearer {self.token}"
        for name, value in repaired.items():
            if negated is None or name.lower() in negated:
                # keep the case's own (broken or missing) value
                if name.lower() in generated:
                    r.headers[name] = generated[name.lower()]
                else:
                    r.headers.pop(name, None)
            else:
                r.headers[name] = value
        return r


# --- the server under test ---------------------------------------------------------------

class ContractServer:
    def __init__(self, backend: str, bo: EmbeddedBackOffice):
        self.backend = backend
        self.bo = bo
        self.url = bo.url
        self.served = served_operations(bo.app)
        self.http = requests.Session()
        self.http.trust_env = False
        self.citizens = demo_citizen.DemoCitizens(self.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)

    def token_for(self, method: str, path: str) -> str | None:
        """A live session token for a citizen operation (a new session each time: a
        generated ``DELETE /v1/sessions/current`` ends the one it is given)."""
        if not needs_bearer(method, path):
            return None
        return self.citizens.fresh_token()

    def close(self):
        self.citizens.close()
        self.http.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def contract_server(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'bo.sqlite3'}"
        name = None
        pg = None
    else:
        pg = request.getfixturevalue("postgres_server")
        name = f"contract_{uuid.uuid4().hex[:10]}"
        url = pg.create_database(name)
    bo = EmbeddedBackOffice(BackOfficeConfig.for_tests(db_url=url))
    bo.start()
    server = ContractServer(request.param, bo)
    try:
        yield server
    finally:
        server.close()
        bo.stop()
        if pg is not None:
            pg.drop_database(name)


# --- the generated tests ---------------------------------------------------------------------

@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=3000, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_operation_conforms(case, contract_server):
    op = (case.operation.method.upper(), case.operation.path)
    if op not in contract_server.served:
        pytest.skip(f"{op[0]} {op[1]} is documented but not served yet")
    token = contract_server.token_for(*op)
    response = case.call(base_url=contract_server.url, session=contract_server.http,
                         auth=SigningAuth(case, token), timeout=15)
    case.validate_response(response, checks=CHECKS)
    check_valid_input_is_not_malformed(case, response, op)


def check_valid_input_is_not_malformed(case, response, op) -> None:
    """Input valid by the document may be refused for what only the server knows (an
    unknown card, a used-up limit, the pack's rules...), never as malformed (400),
    except on a field whose allowed values come from the rule pack."""
    meta = case.meta
    if meta is None or meta.generation.mode.is_negative or response.status_code != 400:
        return
    error = response.json().get("error", {})
    field = (error.get("details") or {}).get("field")
    if field in PACK_DEPENDENT_FIELDS.get(op, set()):
        return
    if str(meta.phase.name) != "fuzzing" and field in SEMANTIC_FORMAT_FIELDS:
        return
    raise AssertionError(f"{op[0]} {op[1]}: input valid by openapi.yaml was refused as "
                         f"malformed: {error}\nbody: {case.body!r}\nquery: {case.query!r}")


# --- the document and the server in step ----------------------------------------------------

@pytest.fixture(scope="module")
def app():
    return create_app(BackOfficeConfig.for_tests())


def test_the_document_is_openapi_3_1_with_every_contract_endpoint():
    assert SPEC["openapi"].startswith("3.1")
    documented = set(documented_operations())
    contract = {
        ("GET", "/v1/health"), ("POST", "/v1/card-auth"), ("POST", "/v1/sessions"),
        ("POST", "/v1/sessions/{session_id}/verify"), ("DELETE", "/v1/sessions/current"),
        ("GET", "/v1/me/card"), ("GET", "/v1/me/applications"), ("POST", "/v1/me/card/loss"),
        ("DELETE", "/v1/me/card/loss"), ("GET", "/v1/me/profile"), ("PATCH", "/v1/me/profile"),
        ("POST", "/v1/me/pin-authorizations"), ("POST", "/v1/me/renewals"),
        ("POST", "/v1/kiosks/heartbeat"), ("GET", "/v1/kiosks/config"),
    }
    assert contract <= documented, contract - documented
    if CONTRACT_MD.exists():  # shared/ beside the repository
        table = re.findall(r"^\| `(GET|POST|PATCH|DELETE) (/v1/[^`]+)`", CONTRACT_MD.read_text(),
                           re.MULTILINE)
        in_md = {(m, re.sub(r"\{id\}", "{session_id}", p)) for m, p in table}
        assert in_md <= documented, in_md - documented


def test_every_route_of_the_server_is_documented(app):
    documented = set(documented_operations())
    undocumented = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, path) not in documented and not _documented_by_template(method, path):
                undocumented.append(f"{method} {path}")
    assert not undocumented, f"routes missing from openapi.yaml: {undocumented}"


def _documented_by_template(method: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^}]+\\\}", r"\\{[^}]+\\}", re.escape(path))
    return any(m == method and re.fullmatch(pattern, p) for m, p in documented_operations())


def test_every_documented_operation_is_served(app):
    missing = sorted(set(documented_operations()) - served_operations(app))
    assert not missing, f"documented but not served: {missing}"


def test_every_error_code_the_server_uses_is_in_the_enum():
    enum = set(SPEC["components"]["schemas"]["ErrorCode"]["enum"])
    assert set(STATUS_OF) <= enum, set(STATUS_OF) - enum
    if CONTRACT_MD.exists():
        errors = CONTRACT_MD.read_text().split("## Errors", 1)[1].split("##", 1)[0]
        contract_codes = set(re.findall(r"`([A-Z][A-Z_]+)`", errors)) - {"UPPER_SNAKE"}
        assert contract_codes <= enum, contract_codes - enum


def test_every_write_takes_an_idempotency_key_and_every_error_has_the_error_shape():
    for method, path in documented_operations():
        op = SPEC["paths"][path][method.lower()]
        params = [p.get("$ref", p.get("name")) for p in op.get("parameters", [])]
        if method in WRITE_METHODS:
            assert "#/components/parameters/IdempotencyKey" in params, (method, path)
        for status, answer in op["responses"].items():
            if not status.startswith("2"):
                ref = answer.get("$ref", "")
                answer = SPEC["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else answer
                body = answer["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        expected_security = "sessionToken" if needs_bearer(method, path) else None
        if path in PUBLIC_PATHS:
            assert op["security"] == []
        else:
            assert is_signed(method, path), (method, path)
        if path.startswith("/v1/me/"):
            assert expected_security, (method, path)


def test_demo_only_operations_are_not_served_in_production(tmp_path):
    from backoffice.hsm import HsmKeys

    keys = HsmKeys(os.urandom(16), os.urandom(16), os.urandom(16))
    config = BackOfficeConfig(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}", hsm_keys=keys,
                              kiosks={"kiosk-prod-001": "a-production-secret-0123456789"})
    served = served_operations(create_app(config))
    demo_only = {(m, p) for m, p in documented_operations()
                 if SPEC["paths"][p][m.lower()].get("x-demo-only")}
    assert demo_only, "the document marks the test clock x-demo-only"
    assert not served & demo_only
    # served only when the operator turns them on (expose_fleet): off by default here
    opt_in = {(m, p) for m, p in documented_operations()
              if SPEC["paths"][p][m.lower()].get("x-opt-in")}
    assert served == set(documented_operations()) - demo_only - opt_in


def test_every_signed_operation_refuses_an_unsigned_request(tmp_path):
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with EmbeddedBackOffice(config) as bo, requests.Session() as http:
        http.trust_env = False
        served = served_operations(bo.app)
        for method, path in sorted(served):
            if not is_signed(method, path):
                continue
            headers = {"Content-Type": "application/json"}
            if method in WRITE_METHODS:
                headers[signing.IDEMPOTENCY_KEY_HEADER] = str(uuid.uuid4())
            r = http.request(method, bo.url + _concrete(path), data=b"{}", headers=headers,
                             timeout=10)
            assert r.status_code == 401, (method, path, r.status_code, r.text)
            assert r.json()["error"]["code"] == "BAD_SIGNATURE", (method, path)


def test_the_server_serves_its_document(tmp_path):
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with EmbeddedBackOffice(config) as bo:
        r = requests.get(bo.url + "/v1/openapi.yaml", timeout=10)  # unsigned
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("application/yaml")
        assert r.content == SPEC_PATH.read_bytes()
