"""The satisfaction survey (SKM, PermenPANRB 14/2017): the questionnaire and the answer are public
(the ticket's public id is the proof of a visit); the figures are for supervisors and admins within
their agency, and for an officer their own, once there are enough answers to stay anonymous."""

from typing import Annotated, Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..domain import skm as rule
from ..flows import skm
from . import conn, ctx, require, roles
from .schemas import CodeText, ErrorResponse

SEEING = ("officer", "supervisor", "admin")

public = APIBlueprint("skm_public", __name__, url_prefix="/api/skm", abp_tags=[Tag(name="public")])
bp = APIBlueprint("skm", __name__, url_prefix="/api/skm", abp_tags=[Tag(name="management")],
                  abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse})

PublicId = Annotated[str, StringConstraints(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
ANSWERS_SCHEMA = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4},
                  "minItems": rule.COUNT, "maxItems": rule.COUNT}


class SkmOption(BaseModel):
    value: int | str
    label: str
    label_en: str


class SkmQuestion(BaseModel):
    n: int
    unsur: str
    unsur_en: str
    text: str
    text_en: str
    options: list[SkmOption]


class SkmRespondentField(BaseModel):
    name: str
    label: str
    label_en: str
    options: list[SkmOption]


class SkmForm(BaseModel):
    questions: list[SkmQuestion] = Field(description="The nine unsur in the regulation's order, answers 1–4")
    respondent_fields: list[SkmRespondentField] = Field(description="All optional")
    answer_days: int = Field(description="Answers are open this many days after the service")


class SkmAnswer(BaseModel):
    # Loose types: the flow answers a wrong answer with a 422 that names the questions, in Indonesian.
    model_config = ConfigDict(extra="ignore")
    ticket: PublicId = Field(description="The ticket's public id (its QR)")
    answers: Any = Field(json_schema_extra=ANSWERS_SCHEMA,
                         description="Nine answers 1–4, in the order of the questions (422 `wrong_answers`)")
    comment: Any = Field(None, json_schema_extra={"type": "string", "maxLength": rule.COMMENT_MAX},
                         description="Saran dan masukan, optional")
    respondent: Any = Field(None, json_schema_extra={"type": "object"},
                            description="Optional profile: `gender`, `age_group`, `education`, `occupation` "
                                        "(values as the form's options); counted, never linked to the ticket")


class SkmCreated(BaseModel):
    id: int


class SkmSummaryQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str | None = Field(None, alias="from", max_length=10, description="First service day, YYYY-MM-DD")
    to: str | None = Field(None, max_length=10, description="Last service day (included)")
    agency: CodeText | None = Field(None, description="Only this agency (an agency supervisor: theirs only)")
    service: CodeText | None = Field(None, description="Only this service")
    officer: int | None = Field(None, ge=1, le=2**62, description="Only this officer (an officer: themself only)")


class SkmSummary(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    agency: str | None
    service: str | None
    officer: int | None
    respondents: int
    population: int = Field(description="Tickets served (done) in the period, where they ended")
    min_respondents: int = Field(description="Krejcie–Morgan minimum sample of the population")
    sample_reached: bool
    nrr: list[float] | None = Field(description="NRR per unsur, three decimals (null without answers)")
    ikm: float | None = Field(description="Mean of the exact NRR × 25, two decimals half-up")
    category: str | None = Field(description="A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99")
    grade: str | None = Field(description="Sangat Baik, Baik, Kurang Baik, Tidak Baik")


@public.get("/form", summary="The SKM questionnaire (PermenPANRB 14/2017), Indonesian and English",
            responses={200: SkmForm})
def get_form():
    return jsonify(rule.form())


@public.post("/responses", summary="Answer the survey for a served ticket (one answer per ticket, 7 days)",
             responses={201: SkmCreated, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse})
def post_response(body: SkmAnswer):
    answer = skm.submit(ctx(), body.ticket, body.answers, body.comment, body.respondent)
    return jsonify(answer), 201


@bp.get("/summary", summary="SKM figures of a period: NRR, IKM, category, respondents vs the minimum sample",
        description="Supervisor and admin within their agency; an officer only their own figures, and only "
                    f"from {rule.MIN_FOR_OFFICER} answers on (403 `too_few_answers`). Default period: today.",
        responses={200: SkmSummary})
@roles(*SEEING)
def get_summary(query: SkmSummaryQuery):
    who = require(*SEEING)
    return jsonify(skm.summary(ctx(), conn(), who, query.from_, query.to, query.agency, query.service,
                               query.officer))
