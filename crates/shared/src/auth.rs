//! Accounts and authentication DTOs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::FieldError;
use crate::types::{
    CpvDivision, Departement, DisplayName, Email, Invalid, Password, Role, Siret, StaffRole,
};

/// Self-registration of a company and of the person who runs its account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "contact@menuiserie-dupont.fr",
    "password": "un mot de passe solide",
    "company_name": "Menuiserie Dupont",
    "siret": "73282932000074",
    "cpv_divisions": ["45", "44"],
    "departements": ["69", "01"]
})))]
#[serde(default, deny_unknown_fields)]
pub struct RegisterCompanyRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub email: String,
    /// 12 to 128 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 12, max_length = 128)
    )]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub company_name: String,
    /// 14 digits; spaces are ignored.
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub siret: String,
    /// Two-digit CPV 2008 divisions the company works in (at least one).
    #[cfg_attr(feature = "openapi", schema(required = true, min_items = 1))]
    pub cpv_divisions: Vec<String>,
    /// Codes of the départements the company serves (at least one).
    #[cfg_attr(feature = "openapi", schema(required = true, min_items = 1))]
    pub departements: Vec<String>,
}

/// A registration whose every field has been validated.
#[derive(Debug, Clone)]
pub struct ValidCompanyRegistration {
    pub email: Email,
    pub password: Password,
    pub company_name: DisplayName,
    pub siret: Siret,
    pub cpv_divisions: Vec<CpvDivision>,
    pub departements: Vec<Departement>,
}

/// Collects every field error of a request instead of stopping at the first.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn field<T>(&mut self, name: &str, parsed: Result<T, Invalid>) -> Option<T> {
        parsed
            .map_err(|invalid| {
                self.errors
                    .push(FieldError::new(name, invalid.code, invalid.message))
            })
            .ok()
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Parses a non-empty list of distinct values, naming items `field[i]`.
    pub fn list<T: PartialEq>(
        &mut self,
        name: &str,
        items: &[String],
        parse: impl Fn(&str) -> Result<T, Invalid>,
        empty_message: &str,
    ) -> Option<Vec<T>> {
        if items.is_empty() {
            self.push(FieldError::new(name, "required", empty_message));
            return None;
        }
        let mut parsed = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.field(&format!("{name}[{i}]"), parse(item)) {
                Some(value) if !parsed.contains(&value) => parsed.push(value),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(parsed)
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }
}

impl RegisterCompanyRequest {
    pub fn validate(&self) -> Result<ValidCompanyRegistration, Vec<FieldError>> {
        let mut v = Validator::default();
        let email = v.field("email", Email::parse(&self.email));
        let password = v.field("password", Password::parse(&self.password));
        let company_name = v.field("company_name", DisplayName::parse(&self.company_name));
        let siret = v.field("siret", Siret::parse(&self.siret));
        let (cpv_divisions, departements) =
            targeting_lists(&mut v, &self.cpv_divisions, &self.departements);
        let valid = (|| {
            Some(ValidCompanyRegistration {
                email: email?,
                password: password?,
                company_name: company_name?,
                siret: siret?,
                cpv_divisions: cpv_divisions?,
                departements: departements?,
            })
        })();
        v.finish(valid)
    }
}

/// A company's own profile: its name and what its targeting follows (the
/// whole lists replace the previous ones).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "company_name": "Lyon Maintenance Services",
    "cpv_divisions": ["50", "72"],
    "departements": ["69", "01"]
})))]
#[serde(default, deny_unknown_fields)]
pub struct CompanyProfileRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub company_name: String,
    /// Two-digit CPV 2008 divisions (at least one).
    #[cfg_attr(feature = "openapi", schema(required = true, min_items = 1))]
    pub cpv_divisions: Vec<String>,
    /// Département codes (at least one).
    #[cfg_attr(feature = "openapi", schema(required = true, min_items = 1))]
    pub departements: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ValidCompanyProfile {
    pub company_name: DisplayName,
    pub cpv_divisions: Vec<CpvDivision>,
    pub departements: Vec<Departement>,
}

impl CompanyProfileRequest {
    pub fn validate(&self) -> Result<ValidCompanyProfile, Vec<FieldError>> {
        let mut v = Validator::default();
        let company_name = v.field("company_name", DisplayName::parse(&self.company_name));
        let (cpv_divisions, departements) =
            targeting_lists(&mut v, &self.cpv_divisions, &self.departements);
        let valid = (|| {
            Some(ValidCompanyProfile {
                company_name: company_name?,
                cpv_divisions: cpv_divisions?,
                departements: departements?,
            })
        })();
        v.finish(valid)
    }
}

/// The divisions and départements a company is targeted by, as registered
/// and as edited later: the same rules, the same messages.
fn targeting_lists(
    v: &mut Validator,
    divisions: &[String],
    departements: &[String],
) -> (Option<Vec<CpvDivision>>, Option<Vec<Departement>>) {
    (
        v.list(
            "cpv_divisions",
            divisions,
            CpvDivision::parse,
            "Choisissez au moins un domaine d'activité (division CPV).",
        ),
        v.list(
            "departements",
            departements,
            Departement::parse,
            "Choisissez au moins un département d'intervention.",
        ),
    )
}

/// Where the client wants the refresh token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefreshTokenDelivery {
    /// In the JSON body (API integrators).
    #[default]
    Body,
    /// As an HttpOnly, SameSite=Strict cookie scoped to `/api/v1/auth` (the web app).
    Cookie,
}

/// A new password for the signed-in account, which proves it knows the
/// current one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub current_password: String,
    /// 12 to 128 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 12, max_length = 128)
    )]
    pub new_password: String,
    /// How the new session's refresh token comes back (as at login).
    pub refresh_token_delivery: RefreshTokenDelivery,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "agent@demo.jesaisfaire.fr",
    "password": "demo-jesaisfaire-2026",
    "refresh_token_delivery": "body"
})))]
#[serde(default, deny_unknown_fields)]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub password: String,
    pub refresh_token_delivery: RefreshTokenDelivery,
}

/// Refresh or logout. The token comes from this body, or else from the cookie.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "q3Jv0m1Yc9Zk…",
    "user": {
        "id": "0f5c2c1e-6f1b-4a7e-9d1f-2b8c7a1d4e10",
        "email": "agent@demo.jesaisfaire.fr",
        "role": "agent",
        "display_name": "Camille Agent",
        "company": null,
        "email_verified": true,
        "disabled": false
    }
})))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    pub expires_in: i64,
    /// Present only when the refresh token is delivered in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub user: UserDto,
}

/// An account, as its owner or an administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserDto {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub display_name: String,
    pub company: Option<CompanyDto>,
    /// The address was confirmed through the link sent to it. A company
    /// contributes only once it is.
    #[serde(default)]
    pub email_verified: bool,
    /// Disabled by an administrator (or deleted): cannot sign in.
    #[serde(default)]
    pub disabled: bool,
}

/// A PFRA buyer an agent can assign to a consultation: no e-mail, only the
/// name the agent recognises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0f5c2c1e-6f1b-4a7e-9d1f-2b8c7a1d4e10",
    "display_name": "Claire Martin (PFRA Auvergne-Rhône-Alpes)"
})))]
pub struct BuyerDto {
    pub id: Uuid,
    pub display_name: String,
}

/// A company profile, visible only to its own account and administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompanyDto {
    pub name: String,
    pub siret: String,
    pub cpv_divisions: Vec<String>,
    pub departements: Vec<String>,
}

/// Creation of an agent, buyer or administrator account by an administrator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "camille.agent@rhone.gouv.fr",
    "password": "un mot de passe solide",
    "role": "agent",
    "display_name": "Camille Martin"
})))]
#[serde(default, deny_unknown_fields)]
pub struct CreateUserRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub email: String,
    /// 12 to 128 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 12, max_length = 128)
    )]
    pub password: String,
    /// Companies register themselves.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub role: Option<StaffRole>,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct ValidNewUser {
    pub email: Email,
    pub password: Password,
    pub role: Role,
    pub display_name: DisplayName,
}

impl CreateUserRequest {
    pub fn validate(&self) -> Result<ValidNewUser, Vec<FieldError>> {
        let mut v = Validator::default();
        let email = v.field("email", Email::parse(&self.email));
        let password = v.field("password", Password::parse(&self.password));
        let display_name = v.field("display_name", DisplayName::parse(&self.display_name));
        let role = self.role.map(Role::from);
        if role.is_none() {
            v.push(FieldError::new(
                "role",
                "required",
                "Choisissez le rôle : agent, acheteur PFRA ou administrateur.",
            ));
        }
        let valid = (|| {
            Some(ValidNewUser {
                email: email?,
                password: password?,
                role: role?,
                display_name: display_name?,
            })
        })();
        v.finish(valid)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    /// The list's size, or with `total_relation` `more_than`, a number it exceeds.
    pub total: u64,
    pub total_relation: TotalRelation,
}

impl<T> Page<T> {
    /// How many pages the list has at least (one for an empty list).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// What a page's `total` says of the list's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TotalRelation {
    /// `total` is the list's size.
    Exact,
    /// The list holds more than `total` items: a search in texts stops
    /// counting there, since an exact count would read every match.
    MoreThan,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_counts_the_pages_of_its_list_an_empty_one_included() {
        let page = |total, per_page| Page::<()> {
            items: Vec::new(),
            page: 1,
            per_page,
            total,
            total_relation: TotalRelation::Exact,
        };
        assert_eq!(page(0, 20).pages(), 1);
        assert_eq!(page(200, 20).pages(), 10);
        assert_eq!(page(201, 20).pages(), 11);
        assert_eq!(page(5, 0).pages(), 5);
    }

    #[test]
    fn a_registration_reports_every_invalid_field_at_once() {
        let request = RegisterCompanyRequest {
            email: "pas-un-email".into(),
            password: "court".into(),
            company_name: "".into(),
            siret: "123".into(),
            cpv_divisions: vec!["72".into(), "99".into()],
            departements: vec![],
        };
        let errors = request.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "email",
                "password",
                "company_name",
                "siret",
                "cpv_divisions[1]",
                "departements"
            ]
        );
    }

    #[test]
    fn companies_cannot_be_created_by_an_administrator() {
        let company = r#"{"email": "a@b.fr", "password": "douze-caracteres",
            "role": "company", "display_name": "Nom"}"#;
        assert!(serde_json::from_str::<CreateUserRequest>(company).is_err());
        let request = CreateUserRequest {
            email: "a@b.fr".into(),
            password: "douze-caracteres".into(),
            role: None,
            display_name: "Nom".into(),
        };
        let errors = request.validate().unwrap_err();
        assert_eq!(errors[0].field, "role");
        assert_eq!(errors[0].code, "required");
    }
}

/// The link of a verification message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct VerifyEmailRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub token: String,
}

/// "Mot de passe oublié ?": where to send the link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub email: String,
}

/// A new password, with the token of the reset link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NewPasswordRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub token: String,
    /// 12 to 128 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 12, max_length = 128)
    )]
    pub new_password: String,
}

/// The password again, before something that cannot be undone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DeleteAccountRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub password: String,
}

crate::named::named! {
    /// What a personal API token may do.
    pub enum TokenAccess {
        /// GET requests only.
        Read = "read": "Lecture seule",
        /// Everything its owner may do.
        ReadWrite = "read_write": "Lecture et écriture",
    }
}

/// A new personal API token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Synchronisation ERP",
    "access": "read",
    "expires_at": "2027-06-30T00:00:00Z"
})))]
#[serde(deny_unknown_fields)]
pub struct ApiTokenRequest {
    /// 1 to 100 characters, to recognise the token in the list.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    pub access: TokenAccess,
    /// Optional; in the future.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A personal API token, as its owner lists it (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    pub access: TokenAccess,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just created: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiTokenDto {
    /// `jsf_…`, to send as `Authorization: Bearer jsf_…`.
    pub token: String,
    pub api_token: ApiTokenDto,
}

crate::named::named! {
    /// What happened to an account, in its audit trail.
    pub enum AccountAction {
        Disabled = "disabled": "Compte désactivé",
        Enabled = "enabled": "Compte réactivé",
        Deleted = "deleted": "Compte supprimé",
        EmailVerified = "email_verified": "Adresse e-mail vérifiée",
        PasswordReset = "password_reset": "Mot de passe réinitialisé",
    }
}

/// One entry of an account's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountEventDto {
    pub at: DateTime<Utc>,
    pub action: AccountAction,
    /// Who acted: the administrator's name, or the account itself.
    pub actor: String,
    pub detail: String,
}
