"""The portal's first schema: accounts, sessions, uploads and the append-only log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = "het logboek wordt alleen aangevuld: wijzigen en verwijderen kan niet"


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("beheer", sa.Boolean, nullable=False),
        sa.Column("sleutel", sa.String(24), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(200), nullable=False),
        sa.Column("aangemaakt", sa.DateTime, nullable=False),
        sa.Column("gewijzigd", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sessies",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("verloopt", sa.DateTime, nullable=False),
    )
    op.create_table(
        "leveringen",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("partner_code", sa.String(40), nullable=False, index=True),
        sa.Column("jaar", sa.Integer, nullable=False),
        sa.Column("soort", sa.String(40), nullable=False),
        sa.Column("bestandsnaam", sa.Text, nullable=False),
        sa.Column("formaat", sa.String(8)),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("ontvangen", sa.DateTime, nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("oordeel", sa.String(20), nullable=False),
        sa.Column("reden", sa.Text),
        sa.Column("rijen", sa.Integer),
        sa.Column("geaccepteerd", sa.Integer),
        sa.Column("quarantaine", sa.Integer),
        sa.Column("bevindingen", sa.Text, nullable=False),
        sa.Column("pad", sa.Text),
        sa.Column("vervangt", sa.String(32)),
        sa.Column("seconden", sa.Float, nullable=False),
    )
    op.create_table(
        "logboek",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tijd", sa.DateTime, nullable=False, index=True),
        sa.Column("gebeurtenis", sa.String(40), nullable=False),
        sa.Column("code", sa.String(40)),
        sa.Column("adres", sa.String(64), index=True),
        sa.Column("levering_id", sa.String(32)),
        sa.Column("detail", sa.Text),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION logboek_alleen_aanvullen() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER logboek_alleen_aanvullen BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON logboek FOR EACH STATEMENT EXECUTE FUNCTION logboek_alleen_aanvullen()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER logboek_geen_{action.lower()} BEFORE {action} ON logboek "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER logboek_alleen_aanvullen ON logboek")
        op.execute("DROP FUNCTION logboek_alleen_aanvullen()")
    for table in ("logboek", "leveringen", "sessies", "accounts"):
        op.drop_table(table)
