//! Accounts: users, company profiles with their CPV divisions and
//! départements, and refresh tokens.

use sea_orm_migration::prelude::*;

use crate::columns::{at as timestamp, nullable_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    Role,
    DisplayName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    UserId,
    Name,
    Siret,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CompanyCpvDivisions {
    Table,
    CompanyId,
    Division,
}

#[derive(DeriveIden)]
enum CompanyDepartements {
    Table,
    CompanyId,
    Departement,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    FamilyId,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One schema step, table after table in dependency order: released, so
        // it is read, never split or edited (changes go into new migrations).
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Users::Email).string_len(254).not_null())
                    .col(ColumnDef::new(Users::PasswordHash).string().not_null())
                    .col(ColumnDef::new(Users::Role).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Users::DisplayName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(timestamp(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The constraint names are mapped to field errors by the API.
        manager
            .create_index(
                Index::create()
                    .name("uq_users_email")
                    .table(Users::Table)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(
                        ColumnDef::new(Companies::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Companies::UserId).uuid().not_null())
                    .col(ColumnDef::new(Companies::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Companies::Siret).string_len(14).not_null())
                    .col(timestamp(Companies::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Companies::Table, Companies::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("uq_companies_siret", Companies::Siret),
            ("uq_companies_user_id", Companies::UserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Companies::Table)
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CompanyCpvDivisions::Table)
                    .col(
                        ColumnDef::new(CompanyCpvDivisions::CompanyId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CompanyCpvDivisions::Division)
                            .string_len(2)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CompanyCpvDivisions::CompanyId)
                            .col(CompanyCpvDivisions::Division),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CompanyCpvDivisions::Table, CompanyCpvDivisions::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Matching consultations to companies looks companies up by division.
        manager
            .create_index(
                Index::create()
                    .name("ix_company_cpv_divisions_division")
                    .table(CompanyCpvDivisions::Table)
                    .col(CompanyCpvDivisions::Division)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CompanyDepartements::Table)
                    .col(
                        ColumnDef::new(CompanyDepartements::CompanyId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CompanyDepartements::Departement)
                            .string_len(3)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CompanyDepartements::CompanyId)
                            .col(CompanyDepartements::Departement),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CompanyDepartements::Table, CompanyDepartements::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_company_departements_departement")
                    .table(CompanyDepartements::Table)
                    .col(CompanyDepartements::Departement)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(
                        ColumnDef::new(RefreshTokens::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RefreshTokens::FamilyId).uuid().not_null())
                    .col(ColumnDef::new(RefreshTokens::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(RefreshTokens::TokenHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(RefreshTokens::CreatedAt))
                    .col(timestamp(RefreshTokens::ExpiresAt))
                    .col(nullable_at(RefreshTokens::UsedAt))
                    .col(nullable_at(RefreshTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_refresh_tokens_token_hash")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_family_id")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::FamilyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RefreshTokens::Table.into_iden(),
            CompanyDepartements::Table.into_iden(),
            CompanyCpvDivisions::Table.into_iden(),
            Companies::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
