//! E-mail and the account life cycle.
//!
//! - `users`: `email_verified_at` (existing accounts pre-date verification and
//!   count as verified), `disabled_at` (set by an administrator, or when a
//!   company deletes its account), `deleted_at` (the identity was erased).
//! - `account_tokens`: single-use links sent by e-mail (address
//!   verification, password reset), stored as SHA-256 digests.
//! - `account_events`: the audit trail of accounts (disabled, enabled,
//!   deleted), append-only like `events`.
//! - `api_tokens`: personal tokens of integrators, stored as digests.
//! - `mail_preferences`: per person and kind of message, immediate, digest
//!   or off; no row means the kind's default.
//! - `announcements`: what a whole audience must hear (a round opens…),
//!   recorded in the transaction of the change and fanned out later in
//!   batches by the worker, which moves `cursor` along the recipients (a
//!   batch is one transaction holding the announcement's row lock).
//! - `mail_messages`: the outbox. One row per message and recipient, written
//!   in the transaction of its cause; the worker claims rows (lease), sends
//!   them and marks them sent, so a crash loses nothing. `letter` is the
//!   message's content (JSON), rendered as text and HTML when sent.

use sea_orm_migration::prelude::*;

use crate::columns::{add_column, at, drop_column, index, nullable_at, short, text, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    EmailVerifiedAt,
    DisabledAt,
    DeletedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum AccountEvents {
    Table,
    Id,
    UserId,
    ActorId,
    Action,
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    Access,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum MailPreferences {
    Table,
    UserId,
    Kind,
    Mode,
}

#[derive(DeriveIden)]
enum Announcements {
    Table,
    Id,
    Kind,
    ConsultationId,
    RoundNumber,
    ContributionId,
    ExceptUserId,
    Message,
    DedupKey,
    CreatedAt,
    Cursor,
    DoneAt,
}

#[derive(DeriveIden)]
enum MailMessages {
    Table,
    Id,
    AnnouncementId,
    UserId,
    Kind,
    ToAddress,
    Subject,
    Letter,
    UnsubscribeToken,
    Status,
    Attempts,
    NextAttemptAt,
    Claim,
    ClaimedUntil,
    SentAt,
    LastError,
    CreatedAt,
}

const MAIL_KINDS: &[&str] = &[
    "round_opened",
    "round_closing_soon",
    "contribution_answered",
    "clarification_answered",
    "publication_requested",
    "publication_decided",
    "contribution_received",
];

/// (table, column, allowed values): the enumerations of these tables,
/// checked by the database like the older ones.
pub const ENUMERATION_COLUMNS: &[(&str, &str, &[&str])] = &[
    (
        "account_tokens",
        "purpose",
        &["email_verification", "password_reset"],
    ),
    (
        "account_events",
        "action",
        &[
            "disabled",
            "enabled",
            "deleted",
            "email_verified",
            "password_reset",
        ],
    ),
    ("api_tokens", "access", &["read", "read_write"]),
    ("mail_preferences", "kind", MAIL_KINDS),
    ("mail_preferences", "mode", &["immediate", "digest", "off"]),
    (
        "announcements",
        "kind",
        &[
            "round_opened",
            "round_closed_early",
            "round_closing_soon",
            "clarification_answered",
            "consultation_published",
        ],
    ),
    (
        "mail_messages",
        "kind",
        &[
            "round_opened",
            "round_closing_soon",
            "contribution_answered",
            "clarification_answered",
            "publication_requested",
            "publication_decided",
            "contribution_received",
            "digest",
            "email_verification",
            "password_reset",
            "registration_attempt",
        ],
    ),
    (
        "mail_messages",
        "status",
        &["pending", "held", "sent", "digested", "failed"],
    ),
];

fn checked(mut column: ColumnDef, table: &str, name: &str) -> ColumnDef {
    if let Some((_, _, values)) = ENUMERATION_COLUMNS
        .iter()
        .find(|(t, c, _)| *t == table && *c == name)
    {
        column.check(Expr::col(Alias::new(name)).is_in(values.iter().copied()));
    }
    column
}

fn users_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [Users::EmailVerifiedAt, Users::DisabledAt, Users::DeletedAt] {
            add_column(manager, Users::Table, nullable_at(col)).await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::EmailVerifiedAt, Expr::col(Users::CreatedAt))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(uuid_col(AccountTokens::Id).primary_key())
                    .col(uuid_col(AccountTokens::UserId))
                    .col(checked(
                        short(AccountTokens::Purpose),
                        "account_tokens",
                        "purpose",
                    ))
                    .col(text(AccountTokens::TokenHash))
                    .col(at(AccountTokens::CreatedAt))
                    .col(at(AccountTokens::ExpiresAt))
                    .col(nullable_at(AccountTokens::UsedAt))
                    .foreign_key(&mut users_fk(AccountTokens::Table, AccountTokens::UserId))
                    .take(),
            )
            .await?;
        index(
            manager,
            "uq_account_tokens_token_hash",
            AccountTokens::Table,
            vec![AccountTokens::TokenHash.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_account_tokens_user_id",
            AccountTokens::Table,
            vec![AccountTokens::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountEvents::Table)
                    .col(uuid_col(AccountEvents::Id).primary_key())
                    .col(uuid_col(AccountEvents::UserId))
                    .col(uuid_col(AccountEvents::ActorId))
                    .col(checked(
                        short(AccountEvents::Action),
                        "account_events",
                        "action",
                    ))
                    .col(text(AccountEvents::Detail))
                    .col(at(AccountEvents::CreatedAt))
                    .foreign_key(&mut users_fk(AccountEvents::Table, AccountEvents::UserId))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ix_account_events_user_id",
            AccountEvents::Table,
            vec![
                AccountEvents::UserId.into_iden(),
                AccountEvents::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(uuid_col(ApiTokens::Id).primary_key())
                    .col(uuid_col(ApiTokens::UserId))
                    .col(ColumnDef::new(ApiTokens::Name).string_len(100).not_null())
                    .col(checked(short(ApiTokens::Access), "api_tokens", "access"))
                    .col(text(ApiTokens::TokenHash))
                    .col(at(ApiTokens::CreatedAt))
                    .col(nullable_at(ApiTokens::ExpiresAt))
                    .col(nullable_at(ApiTokens::LastUsedAt))
                    .col(nullable_at(ApiTokens::RevokedAt))
                    .foreign_key(&mut users_fk(ApiTokens::Table, ApiTokens::UserId))
                    .take(),
            )
            .await?;
        index(
            manager,
            "uq_api_tokens_token_hash",
            ApiTokens::Table,
            vec![ApiTokens::TokenHash.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_api_tokens_user_id",
            ApiTokens::Table,
            vec![ApiTokens::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailPreferences::Table)
                    .col(uuid_col(MailPreferences::UserId))
                    .col(checked(
                        short(MailPreferences::Kind),
                        "mail_preferences",
                        "kind",
                    ))
                    .col(checked(
                        short(MailPreferences::Mode),
                        "mail_preferences",
                        "mode",
                    ))
                    .primary_key(
                        Index::create()
                            .col(MailPreferences::UserId)
                            .col(MailPreferences::Kind),
                    )
                    .foreign_key(&mut users_fk(
                        MailPreferences::Table,
                        MailPreferences::UserId,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Announcements::Table)
                    .col(uuid_col(Announcements::Id).primary_key())
                    .col(checked(short(Announcements::Kind), "announcements", "kind"))
                    .col(uuid_col(Announcements::ConsultationId))
                    .col(ColumnDef::new(Announcements::RoundNumber).integer().null())
                    .col(ColumnDef::new(Announcements::ContributionId).uuid().null())
                    .col(ColumnDef::new(Announcements::ExceptUserId).uuid().null())
                    .col(text(Announcements::Message))
                    .col(
                        ColumnDef::new(Announcements::DedupKey)
                            .string_len(100)
                            .null(),
                    )
                    .col(at(Announcements::CreatedAt))
                    .col(ColumnDef::new(Announcements::Cursor).uuid().null())
                    .col(nullable_at(Announcements::DoneAt))
                    .take(),
            )
            .await?;
        // A reminder is scheduled once per round, whichever instance sees it first.
        index(
            manager,
            "uq_announcements_dedup_key",
            Announcements::Table,
            vec![Announcements::DedupKey.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_announcements_done_at",
            Announcements::Table,
            vec![Announcements::DoneAt.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailMessages::Table)
                    .col(uuid_col(MailMessages::Id).primary_key())
                    .col(ColumnDef::new(MailMessages::AnnouncementId).uuid().null())
                    .col(uuid_col(MailMessages::UserId))
                    .col(checked(short(MailMessages::Kind), "mail_messages", "kind"))
                    .col(
                        ColumnDef::new(MailMessages::ToAddress)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(text(MailMessages::Subject))
                    .col(text(MailMessages::Letter))
                    .col(ColumnDef::new(MailMessages::UnsubscribeToken).text().null())
                    .col(checked(
                        short(MailMessages::Status),
                        "mail_messages",
                        "status",
                    ))
                    .col(
                        ColumnDef::new(MailMessages::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(at(MailMessages::NextAttemptAt))
                    .col(ColumnDef::new(MailMessages::Claim).uuid().null())
                    .col(nullable_at(MailMessages::ClaimedUntil))
                    .col(nullable_at(MailMessages::SentAt))
                    .col(ColumnDef::new(MailMessages::LastError).text().null())
                    .col(at(MailMessages::CreatedAt))
                    .foreign_key(&mut users_fk(MailMessages::Table, MailMessages::UserId))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ix_mail_messages_due",
            MailMessages::Table,
            vec![
                MailMessages::Status.into_iden(),
                MailMessages::NextAttemptAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_mail_messages_user_status",
            MailMessages::Table,
            vec![
                MailMessages::UserId.into_iden(),
                MailMessages::Status.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "uq_mail_messages_unsubscribe_token",
            MailMessages::Table,
            vec![MailMessages::UnsubscribeToken.into_iden()],
            true,
        )
        .await?;
        // An announcement writes one message per recipient, even if a
        // batch is retried.
        index(
            manager,
            "uq_mail_messages_announcement_user",
            MailMessages::Table,
            vec![
                MailMessages::AnnouncementId.into_iden(),
                MailMessages::UserId.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MailMessages::Table.into_iden(),
            Announcements::Table.into_iden(),
            MailPreferences::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            AccountEvents::Table.into_iden(),
            AccountTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        for col in [Users::DeletedAt, Users::DisabledAt, Users::EmailVerifiedAt] {
            drop_column(manager, Users::Table, col).await?;
        }
        Ok(())
    }
}
