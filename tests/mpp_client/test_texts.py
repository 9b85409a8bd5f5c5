"""The apps' shared words and the one lookup every app's table goes through."""

import pytest

from mpp_client.texts import SERVER_MESSAGES, TEXTS, count_text, lookup, message_for, text

APP = {"id": {"hello": "Halo {name}", "only_id": "Hanya Indonesia"}, "en": {"hello": "Hello {name}"}}


def test_every_shared_word_has_both_languages():
    assert TEXTS["id"].keys() == TEXTS["en"].keys()


@pytest.mark.parametrize(("language", "key", "expected"), [
    ("en", "hello", "Hello Sari"),
    ("id", "hello", "Halo Sari"),
    ("en", "only_id", "Hanya Indonesia"),  # missing in English: Indonesian stands in
    ("jv", "hello", "Halo Sari"),  # a language nobody wrote: Indonesian
    ("en", "connection_lost", TEXTS["en"]["connection_lost"]),  # the shared words under the app's
])
def test_lookup_falls_back_to_indonesian_then_the_shared_words(language, key, expected):
    assert lookup((APP,), language, key, name="Sari") == expected


def test_an_unknown_word_is_a_bug_not_an_empty_label():
    with pytest.raises(KeyError):
        lookup((APP,), "id", "nope")


@pytest.mark.parametrize(("count", "language", "expected"), [
    (0, "id", "Tidak ada antrean di depan Anda"),
    (1, "id", "1 orang di depan Anda"),
    (4, "id", "4 orang di depan Anda"),
    (1, "en", "1 person ahead of you"),
    (2.6, "en", "3 people ahead of you"),
    (-2, "en", "No one ahead of you"),
    (None, "id", None),
])
def test_counts_in_words(count, language, expected):
    assert count_text((), language, "ahead", count) == expected


def test_server_codes_get_plain_indonesian_else_the_servers_own_words():
    assert message_for("counter_in_use") == SERVER_MESSAGES["counter_in_use"]
    assert message_for("quota_full", "Kuota layanan habis.") == "Kuota layanan habis."
    assert message_for(None) == text("id", "refused")


@pytest.mark.parametrize("language, count, written", [("id", 1234, "1.234 orang di depan Anda"),
                                                      ("en", 1234, "1,234 people ahead of you"),
                                                      ("id", 12, "12 orang di depan Anda")])
def test_numbers_in_words_are_written_as_the_language_writes_them(language, count, written):
    assert text(language, "ahead", n=count) == written
