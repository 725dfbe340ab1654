from pathlib import Path

import pytest

from committee_qa.config import Settings
from committee_qa.errors import SettingsError


def test_environment_overrides_defaults_and_arguments_override_both() -> None:
    env = {"COMMITTEE_QA_INDEX": "/srv/idx", "COMMITTEE_QA_PORT": "8000"}
    assert Settings.load(env).index == Path("/srv/idx")
    assert Settings.load(env).port == 8000
    assert Settings.load(env, index=Path("/tmp/x")).index == Path("/tmp/x")
    assert Settings.load({}).host == "127.0.0.1"


def test_a_bad_number_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="COMMITTEE_QA_PORT"):
        Settings.load({"COMMITTEE_QA_PORT": "eighty"})
