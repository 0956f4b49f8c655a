from __future__ import annotations

import hashlib

from leadflow_router.keys.domain import ADMIN, Caller, key_id, matches, new_key


def test_a_new_key_is_random_and_only_its_digest_matches_it() -> None:
    one, two = new_key(), new_key()
    assert one.id != two.id and one.token != two.token
    assert one.digest == hashlib.sha256(one.token.encode()).digest()
    assert key_id(one.token) == one.id
    assert matches(one.token, one.digest) and not matches(two.token, one.digest)
    assert not matches(one.token[:-1] + ("A" if one.token[-1] != "A" else "B"), one.digest)


def test_only_a_token_shaped_like_a_key_names_an_id() -> None:
    token = new_key().token
    assert key_id(token + "x") is None
    assert key_id(token.replace("lfk_", "abc_")) is None
    assert key_id("router-admin-key-0123456789") is None
    assert key_id("") is None


def test_a_key_acts_for_its_owner_alone_and_the_admin_for_everyone() -> None:
    ben = Caller("rep", "rep-ben")
    assert ben.acts_for("rep", "rep-ben")
    assert not ben.acts_for("rep", "rep-eve")
    assert not ben.acts_for("partner", "rep-ben")
    assert not Caller("partner", "partner-globex").acts_for("rep", "partner-globex")
    assert ADMIN.acts_for("rep", "rep-eve") and ADMIN.acts_for("partner", "partner-globex")
