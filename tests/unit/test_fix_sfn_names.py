"""AWS's rules for execution and state machine names (fixes/sfn_names.py)."""

from __future__ import annotations

import pytest

from sfnlocal.in_localstack.fixes.sfn_names import ForbiddenCharacter, NameTooLong, check_name


@pytest.mark.parametrize(
    "name",
    ["a", "n" * 80, "ünïcødé", "名前", "Ωmega-1.2_x@y+z=!", "emoji-🙂", "(parens)", "'quote'"],
)
def test_accepts_what_aws_accepts(name):
    check_name(name)  # raises nothing


@pytest.mark.parametrize("char", list(' <>{}[]?*"#%\\^|~`$&,;:/'))
def test_refuses_each_forbidden_character(char):
    with pytest.raises(ForbiddenCharacter) as refused:
        check_name(f"a{char}b")
    assert str(refused.value) == f"Invalid Name: 'a{char}b'"


@pytest.mark.parametrize("code", [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x85, 0x9F])
def test_refuses_control_characters(code):
    with pytest.raises(ForbiddenCharacter):
        check_name(f"name{chr(code)}")


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u3000"])
def test_refuses_any_white_space(space):
    with pytest.raises(ForbiddenCharacter):
        check_name(f"a{space}b")


def test_refuses_more_than_80_characters_as_aws_validation_does():
    with pytest.raises(NameTooLong) as refused:
        check_name("n" * 81)
    assert str(refused.value) == (
        f"1 validation error detected: Value '{'n' * 81}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 80"
    )


def test_counts_characters_not_bytes():
    check_name("é" * 80)  # 160 bytes of UTF-8, 80 characters
