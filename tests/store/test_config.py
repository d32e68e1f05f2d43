"""Where a remote store is and how to log in: environment, config file, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from foresight.errors import StoreError
from foresight.store import open_store
from foresight.store.config import Endpoint, resolve
from foresight.store.rdflibstore import RdflibStore

URL = "https://graphdb.example.org/repositories/foresight"


def test_a_url_takes_its_settings_from_the_environment(tmp_path: Path) -> None:
    env = {"FORESIGHT_STORE_UPDATE": URL + "/statements", "FORESIGHT_STORE_USER": "analyst",
           "FORESIGHT_STORE_PASSWORD": "s3cret", "FORESIGHT_STORE_AUTH": "Digest", "FORESIGHT_STORE_BATCH": "500"}
    endpoint = resolve(URL, env, config=tmp_path / "none.yaml")
    assert endpoint == Endpoint(query=URL, update=URL + "/statements", user="analyst", password="s3cret",
                                auth="digest", batch_triples=500)
    assert endpoint.update_url == URL + "/statements"
    assert "s3cret" not in repr(endpoint)
    assert endpoint.display == URL


def test_local_locations_are_not_endpoints(tmp_path: Path) -> None:
    for spec in ("memory:", "rdflib:", ".foresight/store", str(tmp_path / "store"), "store"):
        assert resolve(spec, {}, config=tmp_path / "none.yaml") is None


def test_a_named_store_and_a_url_listed_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"""stores:
  team:
    query: {URL}
    gsp: {URL}/rdf-graphs/service
    user: analyst
    password_env: TEAM_PASSWORD
    upload: gsp
    timeout: 30
""", encoding="utf-8")
    for spec in ("team", URL):
        endpoint = resolve(spec, {"TEAM_PASSWORD": "from-env"}, config=config)
        assert endpoint is not None
        assert (endpoint.query, endpoint.user, endpoint.password, endpoint.upload, endpoint.timeout) == \
            (URL, "analyst", "from-env", "gsp", 30.0)
        assert endpoint.gsp_url == URL + "/rdf-graphs/service"
    # the environment wins over the file
    endpoint = resolve("team", {"TEAM_PASSWORD": "x", "FORESIGHT_STORE_USER": "other"}, config=config)
    assert endpoint is not None and endpoint.user == "other"
    # a name the file does not know is a folder
    assert resolve("elsewhere", {}, config=config) is None


@pytest.mark.parametrize(("text", "message"), [
    ("stores: [1, 2]\n", "'stores' must be a mapping"),
    ("stores:\n  team:\n    update: https://x.org/u\n", "needs at least a 'query' URL"),
    ("stores:\n  team:\n    query: https://x.org/q\n    pasword: typo\n", "unknown settings: pasword"),
    ("stores:\n  team:\n    query: ftp://x.org/q\n", "must be an http:// or https:// URL"),
    ("stores:\n  team:\n    query: https://x.org/q\n    auth: kerberos\n", "auth must be one of basic, digest"),
    ("stores:\n  team:\n    query: https://x.org/q\n    upload: ftp\n", "upload must be one of update, gsp"),
    ("stores:\n  team:\n    query: https://x.org/q\n    password_env: NOT_SET_HERE\n", "NOT_SET_HERE is not set"),
    ("stores:\n  team: {query: https://x.org/q\n", "invalid YAML"),
])
def test_a_bad_config_file_is_one_message_naming_it(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match=message) as caught:
        resolve("team", {}, config=config)
    assert str(config) in str(caught.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("stores:\n  team:\n    query: https://x.org/q\n   bad: [\n", encoding="utf-8")
    with pytest.raises(StoreError, match=rf"{config}:\d+: invalid YAML"):
        resolve("team", {}, config=config)


def test_gsp_upload_without_a_gsp_url_is_refused_before_any_request() -> None:
    with pytest.raises(StoreError, match="needs a Graph Store Protocol URL"):
        _ = Endpoint(query=URL, upload="gsp").gsp_url


def test_credentials_in_a_config_url_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("stores:\n  team:\n    query: https://analyst:hunter2@x.org/q\n", encoding="utf-8")
    with pytest.raises(StoreError, match="holds credentials") as caught:
        resolve("team", {}, config=config)
    assert "hunter2" not in str(caught.value)


def test_rdflib_location_opens_the_baseline_store() -> None:
    with open_store("rdflib:") as store:
        assert isinstance(store, RdflibStore)
        assert store.triple_count() == 0


def test_a_url_missing_a_slash_is_refused_without_showing_it(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # bug: --store 'http:/u:secret@host/…' was taken as a folder, printed the secret and created the folder
    from foresight.errors import StoreError
    from foresight.store import open_store

    monkeypatch.chdir(tmp_path)
    for location in ("http:/u:secret@host/sparql", "https:u:secret@host/sparql"):
        with pytest.raises(StoreError) as caught:
            open_store(location)
        assert "secret" not in str(caught.value) and "without its '//'" in str(caught.value)
    assert not list(tmp_path.iterdir())


def test_credentials_a_server_echoes_back_are_hidden() -> None:
    import base64

    from foresight.store.config import Endpoint
    from foresight.store.sparql import _redacted

    endpoint = Endpoint("http://127.0.0.1:1/sparql", user="dba", password="s3cret")
    token = base64.b64encode(b"dba:s3cret").decode()
    for echoed in (f"Authorization: Basic {token}", f"you sent {token}", "password was s3cret",
                   "authorization=Digest username"):
        shown = _redacted(echoed, endpoint)
        assert "s3cret" not in shown and token not in shown and "[hidden]" in shown


def test_a_config_file_others_can_read_that_holds_a_password_is_warned_about(tmp_path: Path) -> None:
    from foresight.store.config import exposed_secrets

    path = tmp_path / "config.yaml"
    path.write_text("stores:\n  team:\n    query: http://127.0.0.1:1/sparql\n    user: a\n    password: s3cret\n",
                    encoding="utf-8")
    path.chmod(0o644)
    warning = exposed_secrets(path)
    assert warning is not None and "chmod 600" in warning and "s3cret" not in warning
    path.chmod(0o600)
    assert exposed_secrets(path) is None
    path.write_text("stores:\n  team:\n    query: http://127.0.0.1:1/sparql\n    password_env: TEAM_PASSWORD\n",
                    encoding="utf-8")
    path.chmod(0o644)
    assert exposed_secrets(path) is None
