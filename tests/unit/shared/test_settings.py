"""Settings every service shares."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadflow_shared.settings import ServiceSettings

URL = "postgresql://leadflow@127.0.0.1/leadflow"


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_admin_key_leaves_the_admin_api_off(empty: str) -> None:
    assert ServiceSettings(database_url=URL, admin_api_key=empty).admin_api_key is None


def test_a_short_admin_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="admin_api_key"):
        ServiceSettings(database_url=URL, admin_api_key="short")
