"""Booking codes as the kiosk reads them: scanned from the booking's QR (a URL) or typed."""

import pytest

from mpp_client.appointments import booking_code


@pytest.mark.parametrize("scanned", [
    "7QK3M9XA", "7qk3m9xa", " 7QK3-M9XA ", "7qk3 m9xa\n",  # typed, as a person groups it
    "https://mpp.example.go.id/booking/7QK3M9XA?k=Xy12AbCd", "http://10.0.0.5:8080/booking/7QK3M9XA",
    "https://mpp.example.go.id/booking/7QK3M9XA/qr.png", "mpp.example.go.id/booking/7qk3m9xa",
    "https://mpp.example.go.id/booking?code=7QK3M9XA", "/booking/7QK3M9XA#top",
])
def test_scanned_url_and_typed_code_give_the_same_code(scanned):
    assert booking_code(scanned) == "7QK3M9XA"


@pytest.mark.parametrize("text", [None, "", "   ", "A1", "KODE?", "7QK3.M9XA", "https://mpp.example.go.id/",
                                  "X" * 33])
def test_text_without_a_booking_code_is_not_sent(text):
    assert booking_code(text) is None
